// The site as each edge mode serves it, for the suites that run in both modes (issue #16). `lambda-edge`:
// every request through the Lambda@Edge handler. `cloudfront-function` (the fast path): the shipped
// CloudFront Function (buildSessionCheck, exactly as uploaded, in the cloudfront-js-2.0 sandbox) on the
// site's behaviours and the Lambda@Edge handler (in that mode) on `/_auth/*`, chosen on the raw path as
// CloudFront picks a behaviour. One answer shape for both, so a suite asserts the same thing in each.
import { randomBytes } from "node:crypto";
import { globMatch, mintSessionToken, type SessionKey } from "@static-sso/authz-core";
import { createHandler, type EdgeHandler } from "@static-sso/edge-auth";
import { buildSessionCheck, CURRENT_KEY } from "@static-sso/session-check";
import { hmacSha256 } from "@static-sso/shared";
import {
  AUTH_PATH_PATTERN,
  type CloudFrontFunction,
  type CloudFrontFunctionOptions,
  EDGE_MODES,
  type EdgeMode,
  type FunctionResult,
  loadCloudFrontFunction,
  siteRulesOf,
  toFunctionEvent,
} from "@static-sso/stack";
import { viewerRequestEvent } from "@static-sso/testing";
import type { CloudFrontRequest, CloudFrontRequestResult, CloudFrontResultResponse } from "aws-lambda";
import { CLIENT_ID, type TokenTarget } from "./token-target.js";

export { EDGE_MODES, type EdgeMode };

/** The session cookie the edge mints in the fast path and the function checks. */
export const SESSION_COOKIE = "__Host-sso-session";
/** The site's rules in every suite here: the demo site's (and token-target's edge config). */
export const SITE_RULES = { publicPaths: ["/public/*"], requiredRoles: { "/staff/*": ["staff"] } };

/** One viewer request, as the suites write it (header names lower-case; several `cookie` lines allowed). */
export interface ViewerRequest {
  method?: string;
  uri: string;
  /** Without the `?`. */
  querystring?: string;
  host?: string;
  headers?: Record<string, string[]>;
}

/** What became of a request: on to the origin (with the URI the origin is asked for), or answered. */
export type Served =
  | {
      kind: "origin";
      uri: string;
      by: EdgeMode;
      /**
       * The Cookie lines the Lambda passes on. Not for the function: it leaves the request's cookies as
       * they are, and the fast path's site behaviours forward no cookie to the origin (static-site's
       * cache policy, cookie_behavior none).
       */
      cookieHeaders?: string[];
    }
  | {
      kind: "answer";
      status: number;
      location?: string;
      setCookies: string[];
      body: string;
      by: EdgeMode;
    };

export type Site = (request: ViewerRequest) => Promise<Served>;

/** A Lambda@Edge result in the one shape. */
export function fromLambda(result: CloudFrontRequestResult): Served {
  if (result && "status" in result && result.status) {
    const r = result as CloudFrontResultResponse;
    const location = r.headers?.location?.[0]?.value;
    return {
      kind: "answer",
      status: Number(r.status),
      ...(location !== undefined ? { location } : {}),
      setCookies: (r.headers?.["set-cookie"] ?? []).map((h) => h.value),
      body: r.body ?? "",
      by: "lambda-edge",
    };
  }
  const request = result as CloudFrontRequest;
  return {
    kind: "origin",
    uri: request.uri,
    by: "lambda-edge",
    cookieHeaders: (request.headers.cookie ?? []).map((h) => h.value),
  };
}

/** A CloudFront Function result in the one shape; a function that fails gets CloudFront's 503. */
export function fromFunction(result: FunctionResult): Served {
  if (result.kind === "error") throw new Error(`the CloudFront Function failed: ${result.message}`);
  if (result.kind === "request")
    return { kind: "origin", uri: result.request.uri, by: "cloudfront-function" };
  const r = result.response;
  const body = typeof r.body === "string" ? r.body : (r.body?.data ?? "");
  const location = r.headers?.location?.value;
  return {
    kind: "answer",
    status: r.statusCode,
    ...(location !== undefined ? { location } : {}),
    setCookies: Object.entries(r.cookies ?? {}).map(([k, v]) => `${k}=${v.value}`),
    body,
    by: "cloudfront-function",
  };
}

/**
 * The function's event for a viewer request, as CloudFront builds it (stack's toFunctionEvent: cookies
 * parsed from every Cookie line, the first value in `value`). The URI is set as given afterwards, so a
 * fuzzer's `?` or `#` inside it reaches the function as it reaches the Lambda in the other mode.
 */
export function functionEventOf(request: ViewerRequest, requestId = "local-request") {
  const rawHeaders: string[] = ["Host", request.host ?? "localhost"];
  for (const [name, values] of Object.entries(request.headers ?? {}))
    for (const value of values) rawHeaders.push(name, value);
  const event = toFunctionEvent(
    {
      method: request.method ?? "GET",
      url: `/${request.querystring ? `?${request.querystring}` : ""}`,
      rawHeaders,
      clientIp: "203.0.113.178",
    },
    { distributionDomainName: "d111111abcdef8.cloudfront.net", distributionId: "EDFDVBD6EXAMPLE" },
    requestId,
  );
  event.request.uri = request.uri;
  return event;
}

/** Whether CloudFront sends a raw path to the fast path's Lambda@Edge behaviour. */
export const isLambdaPath = (uri: string) => globMatch(AUTH_PATH_PATTERN, uri);

/** The Lambda@Edge handler as a Site (lambda-edge mode, or the fast path's `/_auth/*` part). */
export function lambdaSite(edge: EdgeHandler): Site {
  return async (r) =>
    fromLambda(
      await edge(
        viewerRequestEvent({
          host: r.host ?? "localhost",
          method: r.method ?? "GET",
          uri: r.uri,
          querystring: r.querystring ?? "",
          headers: r.headers ?? {},
        }),
      ),
    );
}

/** The fast path as CloudFront routes it: `/_auth/*` to the Lambda, everything else to the function. */
export function fastSite(fn: CloudFrontFunction, edge: EdgeHandler): Site {
  const lambda = lambdaSite(edge);
  return async (r) => (isLambdaPath(r.uri) ? lambda(r) : fromFunction(fn.run(functionEventOf(r))));
}

export { hmacSha256 };

/** A fresh session key (32 random bytes as base64url), as the KeyValueStore and the edge config hold it. */
export function newSessionKey(kid = `k${randomBytes(3).toString("hex")}`): SessionKey {
  return { kid, secret: randomBytes(32).toString("base64url") };
}

/** A session cookie value as the edge mints it (or, with another key, as an attacker would). */
export function mintSession(
  key: SessionKey,
  claims: { sub?: string; roles: string[]; ttlSeconds: number; refresh?: boolean },
): string {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + claims.ttlSeconds;
  // An expired one is minted "earlier", as the edge would have minted it then.
  return mintSessionToken(
    { sub: claims.sub ?? "alice-id", roles: claims.roles, exp, refresh: claims.refresh ?? true },
    key,
    hmacSha256,
    Math.min(now, exp - 60),
  );
}

export interface SessionCheckFunction {
  fn: CloudFrontFunction;
  /** Every console.log line of the function, as written. */
  lines: string[];
}

/**
 * The shipped function built for the rules of `edgeConfig` (default SITE_RULES), in the sandbox, its
 * store holding `key`.
 */
export async function loadSessionCheck(
  key: SessionKey,
  edgeConfig: Record<string, unknown> = SITE_RULES,
): Promise<SessionCheckFunction> {
  const lines: string[] = [];
  const fn = await loadSiteFunction(edgeConfig, {
    kvs: new Map([[CURRENT_KEY, `${key.kid}:${key.secret}`]]),
    log: (line) => lines.push(line),
  });
  return { fn, lines };
}

/** The shipped function built for the rules of `edgeConfig`, in the sandbox with these options. */
export async function loadSiteFunction(
  edgeConfig: Record<string, unknown>,
  options: CloudFrontFunctionOptions,
): Promise<CloudFrontFunction> {
  const built = await buildSessionCheck(siteRulesOf(edgeConfig));
  return loadCloudFrontFunction(built.code, options);
}

/** The edge config keys that put a Lambda@Edge handler in fast-path mode with `key`. */
export function fastPathConfig(key: SessionKey): Record<string, unknown> {
  return { mode: "cloudfront-function", sessionKeys: { current: `${key.kid}:${key.secret}` } };
}

/** createHandler for `config` in `mode` (the fast path's keys added). */
export function edgeFor(
  mode: EdgeMode,
  config: Record<string, unknown>,
  key: SessionKey,
  deps: Parameters<typeof createHandler>[1] = {},
): EdgeHandler {
  return createHandler({ ...config, ...(mode === "cloudfront-function" ? fastPathConfig(key) : {}) }, deps);
}

/** The edge config of token-target's edge (its issuer and validation API), for another mode's handler. */
export function tokenTargetConfig(t: TokenTarget): Record<string, unknown> {
  return {
    issuer: t.issuer.issuer,
    clientId: CLIENT_ID,
    clientSecret: "edge-client-secret-value",
    validateUrl: t.api.validateUrl,
    ...SITE_RULES,
  };
}

/** One run of the function in process, and the lines it logged while it ran. */
export interface FunctionCall {
  requestId: string;
  uri: string;
  served: Served;
  lines: string[];
}

let calls = 0;

/**
 * Runs the function for a browser's request to a site path (undefined for `/_auth/*`, the Lambda's).
 * `run` is the function with the lines it has logged so far (loadSessionCheck's result).
 */
export function fastSiteCall(
  run: SessionCheckFunction,
  url: URL,
  headers: Record<string, string>,
): FunctionCall | undefined {
  if (isLambdaPath(url.pathname)) return undefined;
  const requestId = `fn-${++calls}`;
  const before = run.lines.length;
  const served = fromFunction(
    run.fn.run(
      functionEventOf(
        {
          uri: url.pathname,
          querystring: url.search.slice(1),
          host: url.host,
          headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v]])),
        },
        requestId,
      ),
    ),
  );
  return { requestId, uri: url.pathname, served, lines: run.lines.slice(before) };
}
