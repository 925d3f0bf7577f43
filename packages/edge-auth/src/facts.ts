import {
  type AccessRules,
  canonicalPath,
  decisionPath,
  isNavigation,
  needsOf,
  type PathRefusal,
  sessionCookieName,
} from "@static-sso/authz-core";
import type { CloudFrontRequest } from "aws-lambda";
import { type EdgeConfig, LOGIN_PATH, REFRESH_PATH } from "./config.js";
import { isLogoutAllowed } from "./logout-guard.js";
import { parseCookieHeaders } from "./session/cookies.js";
import { siteOriginOf } from "./site-origin.js";

/**
 * Where a request goes, from its path alone. `forwardPath` is the one path both decided on and sent to
 * the origin: the canonical path, a folder URL with the directory index appended.
 */
export type Route =
  | { kind: "callback" }
  /** The fast path's `/_auth/login` and `/_auth/refresh`, where the CloudFront Function sends viewers. */
  | { kind: "login" }
  | { kind: "refresh" }
  | { kind: "logout"; allowed: boolean }
  | { kind: "public"; forwardPath: string }
  | { kind: "protected"; forwardPath: string; roles: readonly string[] }
  | { kind: "bad_path"; reason: PathRefusal };

/** What the edge reads from one CloudFront viewer request, once, as plain data. */
export interface Facts {
  /** The event's request as CloudFront sent it, to pass on. */
  request: CloudFrontRequest;
  method: string;
  /** As CloudFront passes it: the raw path. */
  uri: string;
  /** Without the leading `?`. */
  querystring: string;
  host: string;
  /** Every `cookie` header value (CloudFront may send several), and the cookies they hold. */
  cookieHeaders: string[];
  cookies: ReadonlyMap<string, string>;
  header(name: string): string | undefined;
  /** A page load (gets redirects) rather than fetch/XHR (gets 401 JSON). */
  navigation: boolean;
  route: Route;
}

export function readFacts(request: CloudFrontRequest, config: EdgeConfig, rules: AccessRules): Facts {
  const headers = request.headers ?? {};
  const header = (name: string) => headers[name.toLowerCase()]?.[0]?.value;
  const cookieHeaders = (headers.cookie ?? []).map((h) => h.value);
  const host = header("host") ?? "";
  return {
    request,
    method: request.method,
    uri: request.uri,
    querystring: request.querystring ?? "",
    host,
    cookieHeaders,
    cookies: parseCookieHeaders(cookieHeaders, sessionCookieName(config.cookiePrefix)),
    header,
    navigation: isNavigation(header("sec-fetch-mode"), header("accept")),
    route: routeOf(request.uri, config, rules, { method: request.method, header, host }),
  };
}

/** The route of a raw path; `viewer` (method and headers) only matters for the logout path's guard. */
export function routeOf(
  uri: string,
  config: EdgeConfig,
  rules: AccessRules,
  viewer?: Pick<Facts, "method" | "header" | "host">,
): Route {
  const canonical = canonicalPath(uri);
  if (!canonical.ok) return { kind: "bad_path", reason: canonical.reason };
  const path = canonical.path;
  if (path === config.callbackPath) return { kind: "callback" };
  if (config.mode === "cloudfront-function") {
    if (path === LOGIN_PATH) return { kind: "login" };
    if (path === REFRESH_PATH) return { kind: "refresh" };
  }
  if (path === config.logoutPath)
    return {
      kind: "logout",
      allowed: viewer !== undefined && isLogoutAllowed(viewer, siteOriginOf(viewer.host, config)),
    };
  const forwardPath = config.directoryIndex ? decisionPath(path, config.directoryIndex) : path;
  const needs = needsOf(decisionPath(path, rules.indexDocument), rules);
  return needs.kind === "public"
    ? { kind: "public", forwardPath }
    : { kind: "protected", forwardPath, roles: needs.roles };
}
