import type { IncomingHttpHeaders } from "node:http";
import { type RawResponse, rawRequest } from "../raw-http.js";

export interface Hop {
  readonly method: string;
  readonly url: string;
  readonly status: number;
}

export interface NavigationResult {
  readonly status: number;
  readonly url: string;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
  /** Every request made, redirects and the login form's POST included. */
  readonly hops: readonly Hop[];
}

export interface NavigateOptions {
  /** Stop before requesting a URL this matches (for example a redirect_uri nobody serves). */
  stopAt?: (url: URL) => boolean;
  /** Most requests for one navigation; more is a redirect loop. Default 12. */
  maxHops?: number;
}

export interface BrowserLikeClient {
  navigate(url: string, options?: NavigateOptions): Promise<NavigationResult>;
  /** Cookies the client holds for a host name (browsers share cookies across ports). */
  cookies(hostname: string): Map<string, string>;
}

/**
 * Does what a browser does for page navigations, for tests that need many parallel or scripted
 * requests: follows redirects, keeps cookies per host name, and fills Keycloak's login form
 * (inputs `username` and `password`) with the given credentials. Written by hand because cookie-jar
 * libraries refuse Secure and `__Host-` cookies over plain http, which the local stack relies on
 * for localhost as browsers do; node:http rather than fetch, because fetch overwrites
 * `sec-fetch-mode` with `cors` and the edge function would then answer 401 instead of redirecting.
 */
export function createBrowserLikeClient(credentials?: {
  username: string;
  password: string;
}): BrowserLikeClient {
  const jar = new Map<string, Map<string, string>>();
  const cookies = (hostname: string) => {
    let map = jar.get(hostname);
    if (!map) {
      map = new Map();
      jar.set(hostname, map);
    }
    return map;
  };

  const send = async (method: string, url: URL, body?: URLSearchParams): Promise<RawResponse> => {
    const held = cookies(url.hostname);
    const headers: Record<string, string> = {
      accept: "text/html,application/xhtml+xml",
      "sec-fetch-mode": "navigate",
      "sec-fetch-dest": "document",
    };
    if (held.size > 0) headers.cookie = [...held].map(([n, v]) => `${n}=${v}`).join("; ");
    if (body) headers["content-type"] = "application/x-www-form-urlencoded";
    const response = await rawRequest(url, { method, headers, ...(body ? { body: body.toString() } : {}) });
    for (const line of response.headers["set-cookie"] ?? []) storeCookie(held, line);
    return response;
  };

  return {
    cookies,
    async navigate(start, options = {}) {
      const hops: Hop[] = [];
      const maxHops = options.maxHops ?? 12;
      let url = new URL(start);
      let method = "GET";
      let form: URLSearchParams | undefined;
      let submitted = false;
      for (;;) {
        if (hops.length >= maxHops)
          throw new Error(`more than ${maxHops} requests: a redirect loop (${hopList(hops)})`);
        const response = await send(method, url, form);
        hops.push({ method, url: url.href, status: response.status });
        const location = response.headers.location;
        if (response.status >= 300 && response.status < 400 && location) {
          const next = new URL(location, url);
          if (options.stopAt?.(next)) {
            return { status: response.status, url: next.href, body: "", headers: response.headers, hops };
          }
          url = next;
          method = "GET";
          form = undefined;
          continue;
        }
        const body = response.body;
        const action = loginFormAction(body);
        if (action && credentials && !submitted) {
          submitted = true;
          url = new URL(action, url);
          method = "POST";
          form = new URLSearchParams({ username: credentials.username, password: credentials.password });
          continue;
        }
        return { status: response.status, url: url.href, body, headers: response.headers, hops };
      }
    },
  };
}

/** The action of Keycloak's login form (`<form id="kc-form-login" action="...">`), if the page has one. */
export function loginFormAction(html: string): string | undefined {
  const tag = /<form\b[^>]*\bid="kc-form-login"[^>]*>/i.exec(html)?.[0];
  const action = tag && /\baction="([^"]*)"/i.exec(tag)?.[1];
  return action?.replaceAll("&amp;", "&");
}

function storeCookie(held: Map<string, string>, line: string): void {
  const [pair = "", ...attributes] = line.split(";");
  const eq = pair.indexOf("=");
  if (eq <= 0) return;
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  const expired = attributes.some((a) => {
    const [k = "", v = ""] = a.split("=").map((s) => s.trim());
    if (/^max-age$/i.test(k)) return Number(v) <= 0;
    if (/^expires$/i.test(k)) return Date.parse(v) <= Date.now();
    return false;
  });
  if (expired || value === "") held.delete(name);
  else held.set(name, value);
}

function hopList(hops: readonly Hop[]): string {
  return hops.map((h) => `${h.status} ${h.method} ${new URL(h.url).pathname}`).join(" -> ");
}
