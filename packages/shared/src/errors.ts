import type { ValidationErrorCode } from "./error-codes.js";

/** Base of every error this project throws on purpose: a stable `code` that tests and callers match on. */
export class SsoError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad or missing configuration; thrown at cold start, names the field and what was wrong with it. */
export class ConfigError extends SsoError {
  readonly field: string;
  constructor(field: string, problem: string, options?: { cause?: unknown }) {
    super("config_invalid", `invalid configuration: ${field} ${problem}`, options);
    this.field = field;
  }
}

/** A token that failed verification, with the contract's error code. */
export class TokenError extends SsoError {
  declare readonly code: ValidationErrorCode;
  constructor(code: ValidationErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A remote dependency (IdP, JWKS, validation API, SSM) that did not answer usefully in time. */
export class UpstreamError extends SsoError {
  readonly upstream: string;
  constructor(upstream: string, message: string, options?: { cause?: unknown }) {
    super("upstream_unavailable", `${upstream}: ${message}`, options);
    this.upstream = upstream;
  }
}
