import { SsoError } from "@static-sso/shared";

export type StackErrorCode =
  | "port_in_use"
  | "not_ready"
  | "edge_bundle_missing"
  | "idp_unavailable"
  | "viewer_function_invalid";

/** Something the local stack could not do; the message says what and how to fix it. */
export class StackError extends SsoError {
  declare readonly code: StackErrorCode;
  constructor(code: StackErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
