import { decodeJwt } from "jose";
import type { SessionCheck } from "../decide.js";
import { rolesOf } from "../roles.js";
import { validateToken } from "../validate-client.js";
import type { ValidateSigner } from "../validate-signer.js";
import { isUsableAccessToken } from "./access-token-use.js";
import { isCompactJws } from "./compact-jws.js";
import { type CookieNames, readChunked } from "./cookies.js";
import type { ValidationCache } from "./validation-cache.js";

/**
 * Checks the access token from the session cookies: the cache of positive answers, then a local look at
 * `exp` (an expired token needs no round trip), then the validation API. Only the API's yes counts:
 * decoding locally never grants access.
 */
export async function checkSession(
  cookies: ReadonlyMap<string, string>,
  deps: {
    names: CookieNames;
    clientId: string;
    cache: ValidationCache;
    /** Longest a yes is reused (config validationCacheMaxSeconds). */
    cacheMaxMs: number;
    now: () => number;
    validateUrl: string;
    timeoutMs: number;
    fetch?: typeof fetch;
    sign?: ValidateSigner;
    onValidateCall?: (ms: number) => void;
  },
): Promise<SessionCheck> {
  const token = readChunked(cookies, deps.names.session.access);
  // The cache first: an entry never outlives the token's `exp` (nor the API's answer), so a hit is a
  // token the API said yes to that has not expired, and it costs no base64 or JSON work.
  const hit = token ? deps.cache.get(token) : undefined;
  if (hit) {
    return hit.roles
      ? { kind: "valid", claims: hit.claims, cached: true, roles: hit.roles }
      : { kind: "valid", claims: hit.claims, cached: true };
  }
  const hasRefresh = readChunked(cookies, deps.names.session.refresh) !== undefined;
  if (!token) return { kind: "none", hasRefresh };
  const local = localExp(token);
  if (typeof local !== "number") return { kind: "invalid", code: local, hasRefresh };
  const exp = local;
  if (exp * 1000 <= deps.now()) return { kind: "expired", hasRefresh };

  const started = deps.now();
  const outcome = await validateToken(token, {
    validateUrl: deps.validateUrl,
    timeoutMs: deps.timeoutMs,
    fetch: deps.fetch,
    sign: deps.sign,
  });
  deps.onValidateCall?.(deps.now() - started);
  switch (outcome.kind) {
    case "valid": {
      if (!isUsableAccessToken(outcome.claims, deps.clientId))
        return { kind: "invalid", code: "claim_invalid", hasRefresh };
      rememberValid(deps.cache, token, outcome, exp, deps);
      return { kind: "valid", claims: outcome.claims, cached: false };
    }
    case "invalid":
      return outcome.code === "token_expired"
        ? { kind: "expired", hasRefresh }
        : { kind: "invalid", code: outcome.code, hasRefresh };
    case "unavailable":
      return { kind: "unavailable", reason: outcome.reason };
  }
}

/**
 * What can be told of an access token without the validation API: its `exp`, or why it cannot be one
 * (never a signed JWT, or no numeric `exp`). Decoding here never grants anything.
 */
export function localExp(token: string): number | "token_malformed" | "claim_invalid" {
  let exp: unknown;
  try {
    exp = decodeJwt(token).exp;
  } catch {
    return "token_malformed";
  }
  if (!isCompactJws(token)) return "token_malformed";
  return typeof exp === "number" ? exp : "claim_invalid";
}

/**
 * Stores the validation API's yes for `token`, until the API's `expiresIn`, the token's `exp` or
 * `cacheMaxMs` from now, whichever is first: an absurd `exp` (1e300) must not keep a yes for good.
 */
export function rememberValid(
  cache: ValidationCache,
  token: string,
  answer: { claims: Record<string, unknown>; expiresIn: number },
  exp: number,
  deps: { clientId: string; cacheMaxMs: number; now: () => number },
): void {
  const now = deps.now();
  const answeredUntil = answer.expiresIn > 0 ? now + answer.expiresIn * 1000 : exp * 1000;
  cache.set(token, {
    claims: answer.claims,
    roles: rolesOf(answer.claims, deps.clientId),
    expiresAt: Math.min(answeredUntil, exp * 1000, now + deps.cacheMaxMs),
  });
}
