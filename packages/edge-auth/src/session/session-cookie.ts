import {
  type AccessRules,
  mintSessionToken,
  type SessionKey,
  sessionRoles,
  verifySessionToken,
} from "@static-sso/authz-core";
import { hmacSha256 } from "@static-sso/shared";
import type { SessionCheck } from "../decide.js";
import { rolesOf } from "../roles.js";
import { type CookieNames, setCookieHeader } from "./cookies.js";

/**
 * The fast path's session cookie for a validated access token: its subject, the roles the rules name,
 * and an expiry no later than the token's, signed with the current key. `refresh`: the edge holds a
 * refresh token (so the function sends an expired session to /_auth/refresh rather than to login).
 */
export function mintSessionCookie(
  claims: Record<string, unknown>,
  exp: number,
  refresh: boolean,
  deps: { names: CookieNames; key: SessionKey; rules: AccessRules; clientId: string; now: () => number },
): string {
  const token = mintSessionToken(
    {
      sub: String(claims.sub ?? ""),
      roles: sessionRoles(rolesOf(claims, deps.clientId), deps.rules),
      exp,
      refresh,
    },
    deps.key,
    hmacSha256,
    Math.floor(deps.now() / 1000),
  );
  return setCookieHeader(deps.names.sessionToken, token);
}

/**
 * The fast path's session cookie checked as the CloudFront Function checks it, for a page that reaches
 * this function anyway (a behaviour without the function): the same keys, the same answer.
 */
export function checkSessionCookie(
  cookies: ReadonlyMap<string, string>,
  deps: { names: CookieNames; keys: { current: SessionKey; previous?: SessionKey }; now: () => number },
): SessionCheck {
  const token = cookies.get(deps.names.sessionToken);
  if (!token) return { kind: "none", hasRefresh: false };
  const check = verifySessionToken(token, deps.keys, hmacSha256, Math.floor(deps.now() / 1000));
  switch (check.kind) {
    case "valid":
      return { kind: "valid", claims: { sub: check.sub }, cached: true, roles: new Set(check.roles) };
    case "token_expired":
      return { kind: "expired", hasRefresh: check.refresh };
    default:
      // The token check's kinds are the edge's error codes (key_not_found, signature_invalid, ...).
      return { kind: "invalid", code: check.kind, hasRefresh: false };
  }
}
