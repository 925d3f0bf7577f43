import {
  type AccessRules,
  canonicalPath,
  decisionPath,
  needsOf,
  type PathRefusal,
  type SessionTokenCheck,
} from "@static-sso/authz-core";
import { LOGIN_PATH, MAX_RETURN_PATH, REFRESH_PATH } from "./names.js";

/**
 * What the function decides, as data: pure, no I/O, so the same table of cases is its test under Node
 * and the built file runs it unchanged in cloudfront-js-2.0. Like function.ts, written in the syntax that
 * runtime documents (no for-of, ??, ?., destructuring, spread, shorthand properties, default arguments):
 * the build refuses anything else here (see build.ts).
 */

export { CURRENT_KEY, LOGIN_PATH, MAX_RETURN_PATH, PREVIOUS_KEY, REFRESH_PATH } from "./names.js";

/** What the build bakes into the function for one site. */
export interface SessionCheckConfig {
  /** Without `overlaps`: that is for the edge's load-time log, and the function decides without it. */
  rules: Omit<AccessRules, "overlaps">;
  /** Appended to a folder URL before it goes to the origin; empty: off (as the edge's `directoryIndex`). */
  directoryIndex: string;
  cookieName: string;
  /** Linked from the 403 page: signing in as someone else starts with a logout. */
  logoutPath: string;
}

export type Route =
  | { kind: "bad_path"; reason: PathRefusal }
  | { kind: "public"; forwardPath: string }
  | { kind: "protected"; forwardPath: string; path: string; roles: readonly string[] };

/** The canonical path decides; the origin is asked for exactly that path (a folder URL as its index). */
export const routeOf = (uri: string, config: SessionCheckConfig): Route => {
  const canonical = canonicalPath(uri);
  if (!canonical.ok) return { kind: "bad_path", reason: canonical.reason };
  const path = canonical.path;
  const forwardPath = config.directoryIndex ? decisionPath(path, config.directoryIndex) : path;
  const needs = needsOf(decisionPath(path, config.rules.indexDocument), config.rules);
  return needs.kind === "public"
    ? { kind: "public", forwardPath: forwardPath }
    : { kind: "protected", forwardPath: forwardPath, path: path, roles: needs.roles };
};

/** The session as the handler found it: no cookie, a checked one, or no key to check it with. */
export type SessionState = { kind: "no_session" } | { kind: "keys_unavailable" } | SessionTokenCheck;

export type Outcome =
  | { kind: "pass"; uri: string; reason: "public" | "session_valid" }
  | { kind: "bad_request"; reason: PathRefusal }
  | { kind: "forbidden"; reason: "role_missing" }
  | { kind: "redirect"; reason: string; location: string }
  | { kind: "unauthorized"; reason: string }
  | { kind: "unavailable"; reason: "keys_unavailable" };

/**
 * The decision for a protected route. A session that is only expired, with a refresh token at the edge,
 * goes to /_auth/refresh (a fetch too: it follows the redirect, and gets 401 there if the refresh is
 * refused), as the edge function decides; otherwise a navigation goes to /_auth/login and a fetch or XHR
 * gets 401 JSON, since a redirect to an IdP is of no use to it. Only a valid session with every role
 * passes.
 */
export const decide = (
  route: Route,
  session: SessionState,
  navigation: boolean,
  returnTo: string,
): Outcome => {
  if (route.kind === "bad_path") return { kind: "bad_request", reason: route.reason };
  if (route.kind === "public") return { kind: "pass", uri: route.forwardPath, reason: "public" };
  if (session.kind === "keys_unavailable") return { kind: "unavailable", reason: "keys_unavailable" };
  if (session.kind === "valid")
    return route.roles.some((role) => session.roles.indexOf(role) < 0)
      ? { kind: "forbidden", reason: "role_missing" }
      : { kind: "pass", uri: route.forwardPath, reason: "session_valid" };
  // The session check's kinds are the edge's reasons, so either runtime says the same.
  const reason = session.kind;
  const refresh = session.kind === "token_expired" && session.refresh;
  if (!navigation && !refresh) return { kind: "unauthorized", reason: reason };
  const to = refresh ? REFRESH_PATH : LOGIN_PATH;
  return { kind: "redirect", reason: reason, location: `${to}?return=${encodeURIComponent(returnTo)}` };
};

/** A CloudFront Functions query string object back as text, as the viewer sent it (values not decoded). */
export const queryText = (
  querystring: Record<string, { value: string; multiValue?: Array<{ value: string }> }> | undefined,
): string => {
  const parts: string[] = [];
  for (const name in querystring) {
    const entry = querystring[name];
    if (entry)
      (entry.multiValue || [entry]).forEach((v) => {
        parts.push(v.value === "" ? name : `${name}=${v.value}`);
      });
  }
  return parts.join("&");
};

/**
 * The page to come back to after login or refresh: the canonical path and the query, the path alone when
 * both are too long, `/` when the path is. The edge checks it again (safeReturnPath) before using it.
 */
export const returnPath = (path: string, query: string): string => {
  const withQuery = query ? `${path}?${query}` : path;
  if (withQuery.length <= MAX_RETURN_PATH) return withQuery;
  return path.length <= MAX_RETURN_PATH ? path : "/";
};
