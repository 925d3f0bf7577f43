import { performance } from "node:perf_hooks";
import { createLogger, type Logger, type TokenError, type ValidationErrorCode } from "@static-sso/shared";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { readToken } from "./read-token.js";
import { routeOf } from "./route-of.js";
import {
  createValidator,
  DEFAULT_MAX_TOKEN_BYTES,
  type ValidationResult,
  type ValidatorOptions,
} from "./validator.js";

export type HandlerOptions = ValidatorOptions;
export type ValidateHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** The `fn` of every line this function writes (the edge writes `edge-auth`): see docs/logging.md. */
export const FUNCTION_NAME = "validate-api";

const STATUS: Record<ValidationErrorCode, number> = {
  token_missing: 400,
  bad_request: 400,
  jwks_unavailable: 503,
  token_malformed: 401,
  algorithm_not_allowed: 401,
  key_not_found: 401,
  signature_invalid: 401,
  token_expired: 401,
  token_not_yet_valid: 401,
  issuer_invalid: 401,
  audience_invalid: 401,
  claim_invalid: 401,
};

function json(statusCode: number, body: unknown, extra?: Record<string, string>) {
  // Answers about tokens are never cached by anything in between; the edge keeps its own cache.
  const headers = { "content-type": "application/json", "cache-control": "no-store" };
  return {
    statusCode,
    headers: extra ? { ...headers, ...extra } : headers,
    body: JSON.stringify(body),
  } satisfies APIGatewayProxyStructuredResultV2;
}

/** What one request line says besides the schema's fixed keys (method, path, alg, kid, source, cause). */
type Extra = Record<string, unknown>;
type Log = (status: number, outcome: string, reason: string, extra?: Extra) => void;

/**
 * The API Gateway HTTP API (payload 2.0) handler: `POST /validate` and `GET /health`. It reads the event,
 * asks the validator and shapes the answer; one JSON log line per request (docs/logging.md), never with
 * the token: a plain success at debug (CloudWatch bills every line ingested), anything else at info or
 * above.
 */
export function createHandler(options: HandlerOptions): ValidateHandler {
  const logger: Logger = (options.logger ?? createLogger({})).child({ fn: FUNCTION_NAME });
  const validator = createValidator({ ...options, logger });
  const maxTokenBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;

  return async (event) => {
    const started = performance.now();
    let requestId: string | undefined;
    let route = { method: "", path: "" };
    const log: Log = (status, outcome, reason, extra) => {
      const level = status >= 500 ? "error" : status < 300 ? "debug" : "info";
      // Nothing is built for a line the level drops (a plain success, at the default level).
      if (logger.enabled?.(level) === false) return;
      // One flat object, no spreads.
      const fields: Extra = { requestId, outcome, reason, status, method: route.method, path: route.path };
      if (extra) for (const key in extra) fields[key] = extra[key];
      fields.durationMs = Math.round((performance.now() - started) * 10) / 10;
      logger[level]("request", fields);
    };

    try {
      // Inside the try: whatever the event holds (null, fields of the wrong type), the answer is shaped here.
      const id = event?.requestContext?.requestId;
      if (typeof id === "string") requestId = id;
      route = routeOf(event);
      if (route.path === "/health") {
        if (route.method !== "GET" && route.method !== "HEAD") return methodNotAllowed(log, "GET");
        log(200, "health", "health");
        return json(200, { ok: true });
      }
      if (route.path !== "/validate") {
        // Not a contract answer: the body API Gateway itself gives for a route it does not have.
        log(404, "not_found", "route_not_found");
        return json(404, { message: "Not Found" });
      }
      if (route.method !== "POST") return methodNotAllowed(log, "POST");
      const request = readToken(event, maxTokenBytes);
      if (!request.ok) return rejected(request.error, log);
      // Awaited here rather than in an async helper: each async layer is another promise and microtask
      // per request (bench: the handler against bare jose).
      return answered(await validator.validate(request.token, requestId), request.source, log);
    } catch (error) {
      // Unexpected: fail closed, say nothing about why to the caller.
      log(500, "error", "internal_error", { cause: error });
      return json(500, { valid: false, error: "internal_error", message: "the token could not be checked" });
    }
  };
}

/** POST /validate without a usable token in the request. */
function rejected(error: TokenError, log: Log): APIGatewayProxyStructuredResultV2 {
  const status = STATUS[error.code];
  log(status, "rejected", error.code);
  return json(status, { valid: false, error: error.code, message: error.message });
}

/** POST /validate: the validator's verdict on the request's token. */
function answered(
  result: ValidationResult,
  source: "header" | "body",
  log: Log,
): APIGatewayProxyStructuredResultV2 {
  if (!result.valid) {
    const status = STATUS[result.error.code];
    log(status, status === 503 ? "unavailable" : "invalid", result.error.code, { source });
    return json(status, { valid: false, error: result.error.code, message: result.error.message });
  }
  log(200, "valid", "token_valid", { alg: result.alg, kid: result.kid, source });
  return json(200, { valid: true, claims: result.claims, expiresIn: result.expiresIn });
}

/** 405 with an Allow header; like 404, not a contract answer, so no contract error code in the body. */
function methodNotAllowed(log: Log, allow: string) {
  log(405, "method_not_allowed", "method_not_allowed");
  return json(405, { message: "Method Not Allowed" }, { allow });
}
