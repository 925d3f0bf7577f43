import { randomBytes } from "node:crypto";
import type { SessionKey } from "@static-sso/authz-core";
import { createHandler, type EdgeHandler } from "@static-sso/edge-auth";
import { CURRENT_KEY, PREVIOUS_KEY } from "@static-sso/session-check";
import {
  type CloudFrontFunction,
  type CloudFrontFunctionOptions,
  cloudFrontFunctionEvent,
  EDGE_MODES,
  type EdgeMode,
  type FunctionEvent,
} from "@static-sso/stack";
import {
  FETCH_HEADERS,
  PAGE_LOAD_HEADERS,
  signToken,
  type TestKey,
  viewerRequestEvent,
} from "@static-sso/testing";
import type { CloudFrontResultResponse } from "aws-lambda";
import {
  hmacSha256,
  isLambdaPath,
  loadSiteFunction,
  mintSession,
  newSessionKey,
  SESSION_COOKIE,
  SITE_RULES,
} from "./function-target.js";
import { captureLogs, type LogCapture } from "./log-capture.js";
import { CLIENT_ID, SITE_HOST } from "./token-target.js";

/** The two edge modes (docs/contracts.md, "Edge modes"), as the local stack lists them. */
export const MODES = EDGE_MODES;
export type Mode = EdgeMode;

export { hmacSha256 as hmac, newSessionKey, SESSION_COOKIE, SITE_RULES };

export const SITE = `https://${SITE_HOST}`;
/** The cookies that let a page view through: the access token (lambda-edge) or the signed session. */
export const SESSION_COOKIES = [SESSION_COOKIE, "__Host-sso-at"];

export const keyValue = (key: SessionKey) => `${key.kid}:${key.secret}`;

/** What a request to the site came to, whichever runtime answered. */
export interface SiteAnswer {
  status: number;
  location?: string;
  /** Retry-After, on a 503. */
  retryAfter?: string;
  setCookies: string[];
  body: string;
  /** Passed on to the origin. */
  origin: boolean;
  /** Which runtime answered: the CloudFront Function or Lambda@Edge. */
  by: "function" | "lambda";
}

/**
 * The site in one mode, as CloudFront runs it: `lambda-edge` sends every request through the edge
 * handler; `cloudfront-function` runs the shipped CloudFront Function (built for the site's rules,
 * its KeyValueStore holding the session keys) on every path but `/_auth/*`, which the edge handler serves.
 */
export interface ModeSite {
  mode: Mode;
  edge: EdgeHandler;
  /** The function (fast path only). */
  fn?: CloudFrontFunction;
  /** The edge handler's log lines. */
  logs: LogCapture;
  /** The function's log lines (console.log). */
  functionLogs: string[];
  /** The session key the edge mints with (fast path). */
  sessionKey: SessionKey;
  viewer(): Viewer;
}

export interface ModeSiteOptions {
  mode: Mode;
  issuer: string;
  validateUrl: string;
  /** The key the edge mints with; a fresh one when absent. */
  sessionKey?: SessionKey;
  previousKey?: SessionKey;
  /** The function's KeyValueStore; default the edge's keys. */
  kvs?: CloudFrontFunctionOptions["kvs"] | "none";
  /** More edge config. */
  edge?: Record<string, unknown>;
}

export async function startModeSite(o: ModeSiteOptions): Promise<ModeSite> {
  const logs = captureLogs();
  const functionLogs: string[] = [];
  const sessionKey = o.sessionKey ?? newSessionKey("k-current");
  const fast = o.mode === "cloudfront-function";
  const edge = createHandler(
    {
      issuer: o.issuer,
      clientId: CLIENT_ID,
      clientSecret: "edge-client-secret-value",
      validateUrl: o.validateUrl,
      ...SITE_RULES,
      mode: o.mode,
      ...(fast
        ? {
            sessionKeys: {
              current: keyValue(sessionKey),
              ...(o.previousKey ? { previous: keyValue(o.previousKey) } : {}),
            },
          }
        : {}),
      ...o.edge,
    },
    { logSink: logs.sink },
  );
  let fn: CloudFrontFunction | undefined;
  if (fast) {
    const store = new Map([[CURRENT_KEY, keyValue(sessionKey)]]);
    if (o.previousKey) store.set(PREVIOUS_KEY, keyValue(o.previousKey));
    const kvs = o.kvs === "none" ? undefined : (o.kvs ?? store);
    fn = await loadFunction(kvs, (line) => functionLogs.push(line));
  }
  const site: ModeSite = {
    mode: o.mode,
    edge,
    ...(fn ? { fn } : {}),
    logs,
    functionLogs,
    sessionKey,
    viewer: () => new Viewer(site),
  };
  return site;
}

/** The shipped function for the site's rules, in the cloudfront-js-2.0 sandbox with this store. */
export async function loadFunction(
  kvs: CloudFrontFunctionOptions["kvs"] | undefined,
  log?: (line: string) => void,
): Promise<CloudFrontFunction> {
  return loadSiteFunction(SITE_RULES, { ...(kvs ? { kvs } : {}), ...(log ? { log } : {}) });
}

export type RequestKind = "navigation" | "fetch";

/** One request to the function; cookies as CloudFront Functions pass them (a repeated name: multiValue). */
export function runFunction(
  fn: CloudFrontFunction,
  uri: string,
  query: string,
  kind: RequestKind,
  cookies: ReadonlyArray<[string, string]>,
): SiteAnswer {
  const event: FunctionEvent = cloudFrontFunctionEvent({
    uri,
    query,
    headers: kind === "navigation" ? PAGE_LOAD_HEADERS : FETCH_HEADERS,
  });
  for (const [name, value] of cookies) {
    const seen = event.request.cookies[name];
    if (!seen) event.request.cookies[name] = { value };
    else {
      seen.multiValue ??= [{ value: seen.value }];
      seen.multiValue.push({ value });
    }
  }
  const result = fn.run(event);
  if (result.kind === "error") throw new Error(`the function failed: ${result.message}`);
  if (result.kind === "request")
    return { status: 200, setCookies: [], body: "", origin: true, by: "function" };
  const res = result.response;
  const location = res.headers?.location?.value;
  const retryAfter = res.headers?.["retry-after"]?.value;
  const body = typeof res.body === "string" ? res.body : (res.body?.data ?? "");
  return {
    status: res.statusCode,
    ...(location ? { location } : {}),
    ...(retryAfter ? { retryAfter } : {}),
    setCookies: [],
    body,
    origin: false,
    by: "function",
  };
}

/** One request to the edge handler; all cookies in one `cookie` header, in order. */
export async function runEdge(
  edge: EdgeHandler,
  uri: string,
  query: string,
  kind: RequestKind,
  cookies: ReadonlyArray<[string, string]>,
): Promise<SiteAnswer> {
  const cookie = cookies.map(([k, v]) => `${k}=${v}`).join("; ");
  const result = await edge(
    viewerRequestEvent({
      host: SITE_HOST,
      uri,
      querystring: query,
      headers: {
        ...(kind === "navigation" ? PAGE_LOAD_HEADERS : FETCH_HEADERS),
        ...(cookie ? { cookie } : {}),
      },
    }),
  );
  if (!result || !("status" in result) || !result.status)
    return { status: 200, setCookies: [], body: "", origin: true, by: "lambda" };
  const res = result as CloudFrontResultResponse;
  const location = res.headers?.location?.[0]?.value;
  const retryAfter = res.headers?.["retry-after"]?.[0]?.value;
  return {
    status: Number(res.status),
    ...(location ? { location } : {}),
    ...(retryAfter ? { retryAfter } : {}),
    setCookies: (res.headers?.["set-cookie"] ?? []).map((h) => h.value),
    body: res.body ?? "",
    origin: false,
    by: "lambda",
  };
}

/** A Set-Cookie line that stores a value (not one that clears a cookie). */
export function storesValue(line: string): boolean {
  const [pair = ""] = line.split(";");
  return pair.slice(pair.indexOf("=") + 1).trim() !== "" && !/max-age=0\b/i.test(line);
}

/** The names of the session cookies these Set-Cookie lines store a value in. */
export function sessionCookiesSet(lines: readonly string[]): string[] {
  return lines
    .filter(storesValue)
    .map((l) => l.slice(0, l.indexOf("=")).trim())
    .filter((name) => SESSION_COOKIES.some((s) => name === s || name.startsWith(`${s}.`)));
}

/**
 * A browser on the site: one cookie jar that keeps each cookie's Path (the fast path scopes the IdP's
 * tokens to /_auth/, so page views never carry them), redirects followed by hand, the IdP over real HTTP.
 */
export class Viewer {
  readonly jar = new Map<string, { value: string; path: string }>();
  /** Every answer the site gave this viewer, in order. */
  readonly answers: SiteAnswer[] = [];
  constructor(readonly site: ModeSite) {}

  cookiesFor(path: string): Array<[string, string]> {
    return [...this.jar].filter(([, c]) => path.startsWith(c.path)).map(([n, c]) => [n, c.value]);
  }

  setCookie(name: string, value: string, path = "/"): void {
    this.jar.set(name, { value, path });
  }

  /** One request to the site (path and query, relative to it). */
  async get(target: string, kind: RequestKind = "navigation"): Promise<SiteAnswer> {
    const url = new URL(target, SITE);
    const query = url.search.slice(1);
    const cookies = this.cookiesFor(url.pathname);
    const { fn, edge } = this.site;
    const answer =
      fn && !isLambdaPath(url.pathname)
        ? runFunction(fn, url.pathname, query, kind, cookies)
        : await runEdge(edge, url.pathname, query, kind, cookies);
    for (const line of answer.setCookies) {
      const [pair = ""] = line.split(";");
      const name = pair.slice(0, pair.indexOf("=")).trim();
      const path = /;\s*path=([^;]*)/i.exec(line)?.[1] ?? "/";
      if (storesValue(line)) this.setCookie(name, pair.slice(pair.indexOf("=") + 1).trim(), path);
      else this.jar.delete(name);
    }
    this.answers.push(answer);
    return answer;
  }

  /**
   * Follows the site's redirects from `target`. Stops at the origin, at an answer that is not a
   * redirect, or at a redirect off the site (to the IdP), which it does not follow.
   */
  async follow(target: string, kind: RequestKind = "navigation"): Promise<SiteAnswer> {
    let answer = await this.get(target, kind);
    for (let hops = 0; hops < 8; hops++) {
      if (answer.status !== 302 || !answer.location) return answer;
      const next = new URL(answer.location, SITE);
      if (next.origin !== SITE) return answer;
      answer = await this.get(next.pathname + next.search, kind);
    }
    throw new Error(`redirect loop from ${target}`);
  }

  /**
   * A whole sign-in from a page load of `/docs/`: to the IdP (which approves at once), back to the
   * callback. Returns the callback's answer.
   */
  async signIn(): Promise<SiteAnswer> {
    const toIdp = await this.follow("/docs/");
    if (toIdp.status !== 302 || !toIdp.location?.includes("/protocol/openid-connect/auth"))
      throw new Error(`no redirect to the IdP: ${toIdp.status} ${toIdp.location}`);
    const res = await fetch(toIdp.location, { redirect: "manual" });
    const back = new URL(res.headers.get("location") ?? "", SITE);
    if (back.origin !== SITE || back.pathname !== "/_auth/callback")
      throw new Error(`the IdP did not send the viewer back: ${res.status} ${back.href}`);
    return this.get(back.pathname + back.search);
  }

  /**
   * Holds a session that has expired, and a refresh token, as a viewer does some minutes after signing
   * in: the access token cookie with a token the issuer signed (lambda-edge) or a session cookie signed
   * with the edge's key (fast path), both past their `exp`.
   */
  async holdExpiredSession(key: TestKey, issuer: string): Promise<void> {
    const past = Math.floor(Date.now() / 1000) - 600;
    if (this.site.mode === "cloudfront-function") {
      this.setCookie(
        SESSION_COOKIE,
        mintSession(this.site.sessionKey, { roles: ["staff"], ttlSeconds: -300 }),
      );
      this.setCookie("__Secure-sso-rt", `rt-${randomBytes(8).toString("hex")}`, "/_auth/");
    } else {
      const claims = { iss: issuer, aud: CLIENT_ID, azp: CLIENT_ID, typ: "Bearer", sub: "alice-id" };
      this.setCookie("__Host-sso-at", await signToken(key, claims, { now: past }));
      this.setCookie("__Host-sso-rt", `rt-${randomBytes(8).toString("hex")}`);
    }
  }

  /** The session cookies the viewer holds now. */
  sessionCookies(): string[] {
    return [...this.jar.keys()].filter((n) => SESSION_COOKIES.some((s) => n === s || n.startsWith(`${s}.`)));
  }
}

/**
 * An answer as a verdict both runtimes can give: `pass`, `302 login` (to /_auth/login, or straight to
 * the IdP), `302 refresh`, or the status.
 */
export function verdictOf(answer: SiteAnswer): string {
  if (answer.origin) return "pass";
  if (answer.status !== 302) return String(answer.status);
  const location = answer.location ?? "";
  if (location.startsWith("/_auth/refresh?")) return "302 refresh";
  if (location.startsWith("/_auth/login?") || location.includes("/protocol/openid-connect/auth?"))
    return "302 login";
  return `302 ${location}`;
}
