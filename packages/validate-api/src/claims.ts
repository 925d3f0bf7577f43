import { TokenError } from "@static-sso/shared";
import type { JWTPayload } from "jose";

export interface ClaimLimits {
  /** Seconds since the epoch. */
  nowSeconds: number;
  toleranceSeconds: number;
  maxLifetimeSeconds: number;
}

/**
 * What jose's jwtVerify leaves unchecked, on a payload it has accepted (signature, iss, aud, exp and nbf
 * against now, the claims' presence, and iat, nbf and exp being numbers): an iat in the future, a
 * lifetime past the limit (which also catches an absurd or non-finite exp, so no answer or cache entry
 * downstream can last for ever), and a `sub` that names nobody. Returns the refusal, or undefined.
 */
export function checkClaims(payload: JWTPayload, limits: ClaimLimits): TokenError | undefined {
  const { nowSeconds, toleranceSeconds, maxLifetimeSeconds } = limits;
  const { iat, exp } = payload as { iat?: number; exp: number };
  // jose checks iat only together with maxTokenAge; a token issued in the future is not valid yet.
  if (iat !== undefined && iat > nowSeconds + toleranceSeconds) {
    return new TokenError("token_not_yet_valid", "the token's iat is in the future");
  }
  // JSON.parse reads a literal such as 1e400 as Infinity, and jose only checks that exp is a number.
  if (!Number.isFinite(exp)) return new TokenError("claim_invalid", "the token's exp is not a finite date");
  if (iat !== undefined) {
    // A token's own lifetime needs no clock, so no tolerance; -Infinity as iat lands here too.
    if (!(exp - iat <= maxLifetimeSeconds)) {
      return new TokenError(
        "claim_invalid",
        `the token's exp is more than ${maxLifetimeSeconds} s after its iat`,
      );
    }
  } else if (exp - nowSeconds > maxLifetimeSeconds + toleranceSeconds) {
    return new TokenError(
      "claim_invalid",
      `the token has no iat and its exp is more than ${maxLifetimeSeconds} s from now`,
    );
  }
  // Always, whatever REQUIRED_CLAIMS says: the answer names a user, and "" or 42 names nobody.
  if (!("sub" in payload)) return new TokenError("claim_invalid", 'the token lacks the required "sub" claim');
  if (typeof payload.sub !== "string" || payload.sub === "") {
    return new TokenError("claim_invalid", `the token's "sub" claim is not a non-empty string`);
  }
  return undefined;
}
