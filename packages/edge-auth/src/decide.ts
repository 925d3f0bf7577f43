import type { PathRefusal } from "@static-sso/authz-core";
import type { ValidationErrorCode } from "@static-sso/shared";
import type { EdgeConfig } from "./config.js";
import type { Facts } from "./facts.js";
import { rolesOf } from "./roles.js";

/** What the session cookies amount to, once checked (locally and with the validation API). */
export type SessionCheck =
  | { kind: "none"; hasRefresh: boolean }
  | {
      kind: "valid";
      claims: Record<string, unknown>;
      cached: boolean;
      /** rolesOf(claims, clientId), when already worked out (kept with a cached validation). */
      roles?: ReadonlySet<string>;
    }
  | { kind: "expired"; hasRefresh: boolean }
  | { kind: "invalid"; code: ValidationErrorCode; hasRefresh: boolean }
  | { kind: "unavailable"; reason: string };

/** The whole decision for one request. `kind` is also the log line's `outcome`. */
export type Decision =
  /** On to the origin, for exactly the path that was decided on. */
  | { kind: "pass"; reason: "public" | "session_valid"; forwardPath: string }
  | { kind: "login"; reason: string }
  | { kind: "callback"; reason: "callback" }
  | { kind: "refresh"; reason: "token_expired" | "no_access_token" | "refresh_requested" }
  | { kind: "logout"; reason: "logout" }
  /** A logout the site did not ask for (logout CSRF): a page with a same-origin POST form. */
  | { kind: "logout_confirm"; reason: "logout_not_same_origin" }
  | { kind: "deny"; status: 401; reason: string }
  | { kind: "deny"; status: 403; reason: "role_missing" }
  /** A path that cannot be made canonical without guessing. */
  | { kind: "refuse"; status: 400; reason: PathRefusal }
  | { kind: "unavailable"; reason: string };

/**
 * The access decision for one request: pure, no I/O, never throws. `session` is the checked session for
 * protected routes (the handler checks it only there). Anything not positively allowed is not allowed.
 */
export function decide(
  facts: Pick<Facts, "route" | "navigation">,
  session: SessionCheck | undefined,
  config: Pick<EdgeConfig, "clientId">,
): Decision {
  const { route } = facts;
  switch (route.kind) {
    case "bad_path":
      return { kind: "refuse", status: 400, reason: route.reason };
    case "callback":
      return { kind: "callback", reason: "callback" };
    case "login":
      return { kind: "login", reason: "login_requested" };
    case "refresh":
      return { kind: "refresh", reason: "refresh_requested" };
    case "logout":
      return route.allowed
        ? { kind: "logout", reason: "logout" }
        : { kind: "logout_confirm", reason: "logout_not_same_origin" };
    case "public":
      return { kind: "pass", reason: "public", forwardPath: route.forwardPath };
    case "protected":
      break;
  }
  const toLogin = (reason: string): Decision =>
    facts.navigation ? { kind: "login", reason } : { kind: "deny", status: 401, reason };
  if (!session) return { kind: "unavailable", reason: "session_not_checked" };
  switch (session.kind) {
    case "unavailable":
      return { kind: "unavailable", reason: session.reason };
    case "none":
      return session.hasRefresh ? { kind: "refresh", reason: "no_access_token" } : toLogin("no_session");
    case "expired":
      return session.hasRefresh ? { kind: "refresh", reason: "token_expired" } : toLogin("token_expired");
    case "invalid":
      return toLogin(session.code);
    case "valid": {
      if (route.roles.length > 0) {
        const have = session.roles ?? rolesOf(session.claims, config.clientId);
        for (const role of route.roles)
          if (!have.has(role)) return { kind: "deny", status: 403, reason: "role_missing" };
      }
      return { kind: "pass", reason: "session_valid", forwardPath: route.forwardPath };
    }
  }
}
