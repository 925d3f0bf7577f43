import { SsoError } from "@static-sso/shared";

export type KeycloakErrorCode =
  | "keycloak_unavailable"
  | "port_in_use"
  | "keycloak_start_failed"
  | "postgres_start_failed"
  | "keycloak_admin_failed";

/** Something the real-Keycloak tier could not do; the message says what is missing and how to fix it. */
export class KeycloakError extends SsoError {
  declare readonly code: KeycloakErrorCode;
  /** For `port_in_use`: the port that was taken (the stack names the variable for that port only). */
  readonly port?: number;
  constructor(code: KeycloakErrorCode, message: string, options?: { cause?: unknown; port?: number }) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.port !== undefined) this.port = options.port;
  }
}
