/** The validation API's error codes (docs/contracts.md). Stable: clients and outside tests match on them. */
export const VALIDATION_ERROR_CODES = [
  "token_missing",
  "token_malformed",
  "algorithm_not_allowed",
  "key_not_found",
  "signature_invalid",
  "token_expired",
  "token_not_yet_valid",
  "issuer_invalid",
  "audience_invalid",
  "claim_invalid",
  "jwks_unavailable",
  "bad_request",
] as const;

export type ValidationErrorCode = (typeof VALIDATION_ERROR_CODES)[number];

export function isValidationErrorCode(value: unknown): value is ValidationErrorCode {
  return typeof value === "string" && (VALIDATION_ERROR_CODES as readonly string[]).includes(value);
}
