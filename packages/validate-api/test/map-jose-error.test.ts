import { TokenError, UpstreamError } from "@static-sso/shared";
import { errors } from "jose";
import { describe, expect, it } from "vitest";
import { mapJoseError } from "../src/map-jose-error.js";

const claims = {};
const cases: [string, unknown, string | undefined][] = [
  ["ERR_JWT_EXPIRED", new errors.JWTExpired("x", claims, "exp", "check_failed"), "token_expired"],
  ["iss check", new errors.JWTClaimValidationFailed("x", claims, "iss", "check_failed"), "issuer_invalid"],
  ["iss missing", new errors.JWTClaimValidationFailed("x", claims, "iss", "missing"), "issuer_invalid"],
  ["aud check", new errors.JWTClaimValidationFailed("x", claims, "aud", "check_failed"), "audience_invalid"],
  [
    "nbf check",
    new errors.JWTClaimValidationFailed("x", claims, "nbf", "check_failed"),
    "token_not_yet_valid",
  ],
  ["nbf not a number", new errors.JWTClaimValidationFailed("x", claims, "nbf", "invalid"), "claim_invalid"],
  ["sub missing", new errors.JWTClaimValidationFailed("x", claims, "sub", "missing"), "claim_invalid"],
  ["ERR_JOSE_ALG_NOT_ALLOWED", new errors.JOSEAlgNotAllowed("x"), "algorithm_not_allowed"],
  ["ERR_JWS_SIGNATURE_VERIFICATION_FAILED", new errors.JWSSignatureVerificationFailed(), "signature_invalid"],
  ["ERR_JWKS_NO_MATCHING_KEY", new errors.JWKSNoMatchingKey(), "key_not_found"],
  ["ERR_JWKS_MULTIPLE_MATCHING_KEYS", new errors.JWKSMultipleMatchingKeys(), "key_not_found"],
  ["ERR_JWKS_TIMEOUT", new errors.JWKSTimeout(), "jwks_unavailable"],
  ["ERR_JWS_INVALID", new errors.JWSInvalid("x"), "token_malformed"],
  ["ERR_JWT_INVALID", new errors.JWTInvalid("x"), "token_malformed"],
  ["ERR_JOSE_NOT_SUPPORTED", new errors.JOSENotSupported("x"), "token_malformed"],
  ["UpstreamError", new UpstreamError("jwks", "down"), "jwks_unavailable"],
  ["TokenError", new TokenError("bad_request", "x"), "bad_request"],
  ["a TypeError", new TypeError("x"), undefined],
];

describe("mapJoseError", () => {
  for (const [name, error, code] of cases) {
    it(`maps ${name} to ${code ?? "nothing (an unexpected failure)"}`, () => {
      expect(mapJoseError(error)?.code).toBe(code);
    });
  }
});
