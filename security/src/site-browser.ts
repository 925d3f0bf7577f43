import { request } from "node:http";
import type { EdgeHandler } from "@static-sso/edge-auth";
import { viewerRequestEvent } from "@static-sso/testing";
import type { CloudFrontResultResponse } from "aws-lambda";
import { type FunctionCall, fastSiteCall } from "./function-target.js";

/** One answer, redirects not followed. `origin`: the edge let the request through to the site's origin. */
export interface Answer {
  url: string;
  status: number;
  location?: string;
  setCookies: string[];
  body: string;
  origin: boolean;
}

/** How a request to the site is served: by the edge handler in process, or over HTTP. */
export type SiteTransport = (url: URL, headers: Record<string, string>) => Promise<Answer>;

/** The site as the edge handler in process (the origin stands behind it; a pass-through is `origin`). */
export function edgeTransport(edge: EdgeHandler, seen: string[] = []): SiteTransport {
  return async (url, headers) => {
    const result = await edge(
      viewerRequestEvent({ host: url.host, uri: url.pathname, querystring: url.search.slice(1), headers }),
    );
    if (!result || !("status" in result) || !result.status)
      return { url: url.href, status: 200, setCookies: [], body: "", origin: true };
    const res = result as CloudFrontResultResponse;
    const setCookies = (res.headers?.["set-cookie"] ?? []).map((h) => h.value);
    seen.push(...setCookies);
    const location = res.headers?.location?.[0]?.value;
    return {
      url: url.href,
      status: Number(res.status),
      ...(location ? { location } : {}),
      setCookies,
      body: res.body ?? "",
      origin: false,
    };
  };
}

/**
 * The fast path in process: the CloudFront Function decides the site's paths, `lambda` (edgeTransport of
 * the edge in cloudfront-function mode) serves `/_auth/*`. Each function call is recorded in `calls`,
 * with the lines it logged.
 */
export function fastTransport(
  run: Parameters<typeof fastSiteCall>[0],
  lambda: SiteTransport,
  calls: FunctionCall[] = [],
): SiteTransport {
  return async (url, headers) => {
    const call = fastSiteCall(run, url, headers);
    if (!call) return lambda(url, headers);
    calls.push(call);
    const served = call.served;
    if (served.kind === "origin")
      return { url: url.href, status: 200, setCookies: [], body: "", origin: true };
    return {
      url: url.href,
      status: served.status,
      ...(served.location ? { location: served.location } : {}),
      setCookies: served.setCookies,
      body: served.body,
      origin: false,
    };
  };
}

/**
 * Real HTTP (the site served by the CloudFront emulator, the IdP), over node:http rather than fetch:
 * fetch sets `Sec-Fetch-Mode: cors` itself, and the edge must see a page load (`navigate`).
 */
export function httpRequest(
  url: URL,
  headers: Record<string, string>,
  init: { method?: string; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () =>
        resolve({
          url: url.href,
          status: res.statusCode ?? 0,
          ...(res.headers.location ? { location: res.headers.location } : {}),
          setCookies: res.headers["set-cookie"] ?? [],
          body: Buffer.concat(chunks).toString("utf8"),
          origin: false,
        }),
      );
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

// `same-origin`: the user follows the site's own links (its logout link included, which the edge's
// logout CSRF guard requires to be same-origin).
const PAGE_LOAD = {
  accept: "text/html,*/*;q=0.8",
  "sec-fetch-mode": "navigate",
  "sec-fetch-site": "same-origin",
};

/**
 * A browser with one cookie jar per host (Path is not modelled: one login at a time per browser), for
 * the site and the IdP's login form. It follows redirects by hand so a test can stop before any URL.
 */
export class SiteBrowser {
  readonly jars = new Map<string, Map<string, string>>();
  constructor(
    readonly site: string,
    readonly transport: SiteTransport = (url, headers) => httpRequest(url, headers),
  ) {}

  jar(host: string): Map<string, string> {
    let jar = this.jars.get(host);
    if (!jar) {
      jar = new Map();
      this.jars.set(host, jar);
    }
    return jar;
  }

  get siteJar(): Map<string, string> {
    return this.jar(new URL(this.site).host);
  }

  async request(
    href: string,
    init: { method?: string; body?: string; form?: boolean } = {},
  ): Promise<Answer> {
    const url = new URL(href);
    const jar = this.jar(url.host);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const headers: Record<string, string> = { ...PAGE_LOAD, ...(cookie ? { cookie } : {}) };
    if (init.form) headers["content-type"] = "application/x-www-form-urlencoded";
    const answer =
      url.origin === new URL(this.site).origin && !init.method
        ? await this.transport(url, headers)
        : await httpRequest(url, headers, init);
    for (const line of answer.setCookies) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /max-age=0\b/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line))
        jar.delete(name);
      else jar.set(name, value);
    }
    return answer;
  }

  /** Follows redirects from `href`; stops (without requesting it) at a URL for which `stop` says yes. */
  async follow(href: string, stop: (next: string) => boolean = () => false): Promise<Answer> {
    let answer = await this.request(href);
    for (let hops = 0; hops < 12; hops++) {
      if (!answer.location || answer.status < 300 || answer.status > 399) return answer;
      const next = new URL(answer.location, answer.url).href;
      if (stop(next)) return answer;
      answer = await this.request(next);
    }
    throw new Error(`too many redirects from ${href}`);
  }

  /**
   * Visits `href`, signs in on the IdP's form and follows the redirects back. With `stopAtCallback`,
   * returns the IdP's answer whose `location` is the site's callback URL, not yet visited.
   */
  async login(href: string, user: string, password: string, stopAtCallback = false): Promise<Answer> {
    const form = await this.follow(href);
    const action = /<form[^>]*action="([^"]+)"/.exec(form.body)?.[1];
    if (form.status !== 200 || !action) throw new Error(`no login form at ${form.url}: ${form.status}`);
    let answer = await this.request(new URL(action.replace(/&amp;/g, "&"), form.url).href, {
      method: "POST",
      form: true,
      body: new URLSearchParams({ username: user, password }).toString(),
    });
    const callback = `${this.site}/_auth/callback`;
    for (let hops = 0; hops < 12 && answer.location; hops++) {
      const next = new URL(answer.location, answer.url).href;
      if (stopAtCallback && next.startsWith(callback)) return answer;
      answer = await this.request(next);
    }
    return answer;
  }
}
