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
  constructor(code: KeycloakErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
