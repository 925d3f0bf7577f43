import type { ValidationErrorCode } from "./error-codes.js";

/** `POST /validate` answers (docs/contracts.md, packages/validate-api). */
export interface ValidateSuccess {
  valid: true;
  claims: Record<string, unknown>;
  /** Seconds until the token's `exp`. */
  expiresIn: number;
}

export interface ValidateFailure {
  valid: false;
  error: ValidationErrorCode;
  message: string;
}

export type ValidateResponse = ValidateSuccess | ValidateFailure;
