import {
  type AccessRules,
  canonicalPath,
  decisionPath,
  needsOf,
  type PathRefusal,
} from "@static-sso/authz-core";
import type { ValidationErrorCode } from "@static-sso/shared";
import type { EdgeConfig } from "./config.js";
import { rolesOf } from "./roles.js";

/**
 * Where a request goes, from its path alone. `forwardPath` is the one path both decided on and sent to
 * the origin: the canonical path, a folder URL with the directory index appended.
 */
export type Route =
  | { kind: "callback" }
  | { kind: "logout" }
  | { kind: "public"; forwardPath: string }
  | { kind: "protected"; forwardPath: string; roles: readonly string[] }
  | { kind: "bad_path"; reason: PathRefusal };

export function routeOf(uri: string, config: EdgeConfig, rules: AccessRules): Route {
  const canonical = canonicalPath(uri);
  if (!canonical.ok) return { kind: "bad_path", reason: canonical.reason };
  const path = canonical.path;
  if (path === config.callbackPath) return { kind: "callback" };
  if (path === config.logoutPath) return { kind: "logout" };
  const forwardPath = config.directoryIndex ? decisionPath(path, config.directoryIndex) : path;
  const needs = needsOf(decisionPath(path, rules.indexDocument), rules);
  return needs.kind === "public"
    ? { kind: "public", forwardPath }
    : { kind: "protected", forwardPath, roles: needs.roles };
}

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

export type Decision =
  | { type: "allow"; reason: "public" | "session_valid"; forwardPath: string }
  | { type: "login"; reason: string }
  | { type: "unauthorized"; reason: string }
  | { type: "callback"; reason: string }
  | { type: "refresh"; reason: "token_expired" | "no_access_token" }
  | { type: "logout"; reason: "logout" | "logout_not_same_origin" }
  | { type: "deny"; reason: "role_missing" | "bad_path" | "session_too_large" }
  | { type: "unavailable"; reason: string };

/**
 * The access decision for one request: pure, no I/O. `session` is the checked session for protected
 * routes (the handler only checks it there). Anything not positively allowed is not allowed.
 */
export function decide(input: {
  route: Route;
  navigation: boolean;
  session?: SessionCheck;
  config: EdgeConfig;
}): Decision {
  const { route, navigation, session, config } = input;
  switch (route.kind) {
    case "bad_path":
      return { type: "deny", reason: "bad_path" };
    case "callback":
      return { type: "callback", reason: "callback" };
    case "logout":
      return { type: "logout", reason: "logout" };
    case "public":
      return { type: "allow", reason: "public", forwardPath: route.forwardPath };
    case "protected":
      break;
  }
  const toLogin = (reason: string): Decision =>
    navigation ? { type: "login", reason } : { type: "unauthorized", reason };
  if (!session) return { type: "unavailable", reason: "session_not_checked" };
  switch (session.kind) {
    case "unavailable":
      return { type: "unavailable", reason: session.reason };
    case "none":
      return session.hasRefresh ? { type: "refresh", reason: "no_access_token" } : toLogin("no_session");
    case "expired":
      return session.hasRefresh ? { type: "refresh", reason: "token_expired" } : toLogin("token_expired");
    case "invalid":
      return toLogin(session.code);
    case "valid": {
      if (route.roles.length > 0) {
        const have = session.roles ?? rolesOf(session.claims, config.clientId);
        for (const role of route.roles) if (!have.has(role)) return { type: "deny", reason: "role_missing" };
      }
      return { type: "allow", reason: "session_valid", forwardPath: route.forwardPath };
    }
  }
}
