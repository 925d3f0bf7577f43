import { TokenError, UpstreamError } from "@static-sso/shared";
import { errors } from "jose";

/**
 * The one place where jose's `ERR_*` codes become the contract's error codes. Anything it does not know is
 * returned as `undefined`, so the caller can treat it as an unexpected failure (and fail closed).
 */
export function mapJoseError(error: unknown): TokenError | undefined {
  if (error instanceof TokenError) return error;
  if (error instanceof UpstreamError) {
    return new TokenError("jwks_unavailable", "the issuer's signing keys cannot be fetched", {
      cause: error,
    });
  }
  if (!(error instanceof errors.JOSEError)) return undefined;
  const fail = (code: TokenError["code"], message: string) => new TokenError(code, message, { cause: error });
  switch (error.code) {
    case "ERR_JWT_EXPIRED":
      return fail("token_expired", "the token has expired");
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return mapClaimFailure(error as errors.JWTClaimValidationFailed);
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return fail("algorithm_not_allowed", "the token's signing algorithm is not allowed");
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return fail("signature_invalid", "the token's signature does not verify");
    case "ERR_JWKS_NO_MATCHING_KEY":
      return fail("key_not_found", "no key of the issuer matches the token's kid and alg");
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return fail("key_not_found", "the token has no kid and several of the issuer's keys could match");
    case "ERR_JWKS_INVALID":
    case "ERR_JWKS_TIMEOUT":
      return fail("jwks_unavailable", "the issuer's signing keys cannot be used");
    case "ERR_JWK_INVALID":
      return fail("key_not_found", "the issuer's key for this token cannot be used");
    case "ERR_JOSE_NOT_SUPPORTED":
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
    case "ERR_JWE_INVALID":
      return fail("token_malformed", "the token is not a well-formed signed JWT");
    default:
      return fail("token_malformed", "the token cannot be verified");
  }
}

function mapClaimFailure(error: errors.JWTClaimValidationFailed): TokenError {
  const opts = { cause: error };
  switch (error.claim) {
    case "iss":
      return new TokenError("issuer_invalid", "the token was not issued by the configured issuer", opts);
    case "aud":
      return new TokenError("audience_invalid", "the token is not meant for this audience", opts);
    case "nbf":
    case "iat":
      if (error.reason === "check_failed")
        return new TokenError("token_not_yet_valid", `the token's ${error.claim} is in the future`, opts);
      return new TokenError("claim_invalid", `the token's ${error.claim} claim is not a valid date`, opts);
    default:
      return new TokenError(
        "claim_invalid",
        error.reason === "missing"
          ? `the token lacks the required "${error.claim}" claim`
          : `the token's "${error.claim}" claim is invalid`,
        opts,
      );
  }
}
