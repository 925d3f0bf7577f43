// The fast path (mode "cloudfront-function") at the edge function: login, callback, refresh and logout
// under /_auth/, the signed session cookie they mint, and the refresh race with a rotating IdP. Real
// embedded IdP, real validation API, the handler in process (the CloudFront Function in front of the
// pages is tested in stack/ and packages/session-check).
import { createHmac, randomBytes } from "node:crypto";
import { compileRules, verifySessionToken } from "@static-sso/authz-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler } from "../src/handle.js";
import { Browser, type Page, redirectTarget } from "./fixtures/browser.js";
import { type LoginStack, SITE, startLoginStack } from "./fixtures/login-stack.js";

const key = () => `k${randomBytes(4).toString("hex")}:${randomBytes(32).toString("base64url")}`;
const CURRENT = key();
const hmac = (secret: string, data: string) => createHmac("sha256", secret).update(data).digest("base64url");
const asKey = (v: string) => ({ kid: v.split(":")[0] as string, secret: v.slice(v.indexOf(":") + 1) });

let stack: LoginStack;
beforeAll(async () => {
  stack = await startLoginStack({}, { refreshTokenRotation: true });
});
afterAll(() => stack?.stop());

function fastEdge(extra: Record<string, unknown> = {}) {
  const logs: Array<Record<string, unknown>> = [];
  const handler = createHandler(
    { ...stack.config, mode: "cloudfront-function", sessionKeys: { current: CURRENT }, ...extra },
    { logSink: (l) => logs.push(JSON.parse(l)) },
  );
  return { handler, logs, browser: new Browser(handler, SITE) };
}

/** Signs in through /_auth/login as the CloudFront Function sends a viewer there. */
async function signIn(browser: Browser, user: "alice" | "bob", back = "/staff/") {
  const page = await browser.login(
    `${SITE}/_auth/login?return=${encodeURIComponent(back)}`,
    user,
    `${user}-password`,
  );
  return page;
}

function sessionCookie(browser: Browser) {
  const value = browser.siteCookies.get("__Host-sso-session");
  if (!value) throw new Error("no session cookie");
  return verifySessionToken(value, { current: asKey(CURRENT) }, hmac, Math.floor(Date.now() / 1000));
}

const siteJar = (b: Browser) => b.jar(new URL(SITE).host);

describe("the fast path at the edge function", () => {
  it("mints a signed session cookie at the callback (sub, the roles the rules name, exp), keeps no access token in a cookie and scopes the refresh and ID tokens to /_auth/", async () => {
    const { browser } = fastEdge();
    const page = await signIn(browser, "alice");
    expect(page.at).toBe("origin");
    expect(page.at === "origin" && page.request.uri).toBe("/staff/index.html");
    const session = sessionCookie(browser);
    expect(session).toMatchObject({ kind: "valid", roles: ["staff"], refresh: true });
    expect(browser.siteCookies.has("__Host-sso-at")).toBe(false);
    // Scoped cookies: sent to /_auth/, never with a page view.
    expect(siteJar(browser).header("/_auth/refresh")).toMatch(/__Secure-sso-rt=/);
    expect(siteJar(browser).header("/staff/")).not.toMatch(/__Secure-sso-rt|__Secure-sso-id/);
  });

  it("sends the page to /_auth/login's return path only on this site", async () => {
    const { browser } = fastEdge();
    const page = await browser.login(
      `${SITE}/_auth/login?return=${encodeURIComponent("//evil.example/")}`,
      "bob",
      "bob-password",
    );
    expect(page.at === "origin" && page.request.uri).toBe("/index.html");
  });

  it("refreshes at /_auth/refresh: a new token from the IdP, validated, a new session cookie, back to the page", async () => {
    const { browser } = fastEdge();
    await signIn(browser, "alice");
    const rotated = () => /__Secure-sso-rt=([^;]+)/.exec(siteJar(browser).header("/_auth/refresh"))?.[1];
    const before = rotated();
    // A session cookie that has expired: the function would send the viewer here.
    browser.setSiteCookie("__Host-sso-session", "expired-or-missing");
    const page = await browser.request(`${SITE}/_auth/refresh?return=%2Fdocs%2F`);
    expect(page.at === "edge" && page.response.status).toBe("302");
    expect(redirectTarget(page)).toBe(`${SITE}/docs/`);
    // The IdP rotated the refresh token, and the edge kept the new one.
    expect(rotated()).toBeDefined();
    expect(rotated()).not.toBe(before);
    expect(sessionCookie(browser).kind).toBe("valid");
  });

  it("survives a refresh race with a rotating IdP: the tab that loses goes through the IdP's session and comes back signed in, never to an error page", async () => {
    const { browser } = fastEdge();
    await signIn(browser, "alice");
    browser.setSiteCookie("__Host-sso-session", "expired");
    const jar = siteJar(browser);
    const cookie = jar.header("/_auth/refresh");
    // Two tabs send the same refresh token at once; the IdP rotates it, so one grant is refused.
    const tab = (back: string) =>
      browser.edge(viewerEventFor(`/_auth/refresh`, `return=${encodeURIComponent(back)}`, cookie));
    const [a, b] = await Promise.all([tab("/docs/a.html"), tab("/docs/b.html")]);
    const answers = [a, b].map(
      (r) => r as { status?: string; headers?: Record<string, Array<{ value: string }>> },
    );
    for (const r of answers) expect(r.status).toBe("302");
    const locations = answers.map((r) => r.headers?.location?.[0]?.value ?? "");
    // One went straight back; the other to the IdP's authorization endpoint (a login, not an error).
    expect(locations.filter((l) => l.startsWith("/docs/")).length).toBe(1);
    const toIdp = locations.find((l) => l.startsWith(stack.idp.issuer));
    expect(toIdp).toBeDefined();
    // Following it: the IdP's session brings the user straight back, signed in, to the page.
    for (const r of answers)
      browser.jar(new URL(SITE).host).store((r.headers?.["set-cookie"] ?? []).map((h) => h.value));
    const end = await browser.visit(toIdp as string);
    expect(end.at).toBe("origin");
    expect(sessionCookie(browser).kind).toBe("valid");
  });

  it("answers a fetch whose refresh is refused with 401 JSON, not a redirect", async () => {
    const { browser, logs } = fastEdge();
    await signIn(browser, "alice");
    browser.setSiteCookie("__Host-sso-session", "expired");
    const cookie = siteJar(browser)
      .header("/_auth/refresh")
      .replace(/__Secure-sso-rt=[^;]+/, "__Secure-sso-rt=not-a-refresh-token");
    const r = (await browser.edge(
      viewerEventFor("/_auth/refresh", "return=%2Fdocs%2F", cookie, {
        "sec-fetch-mode": "cors",
        accept: "application/json",
      }),
    )) as { status?: string; body?: string; headers?: unknown };
    expect(r.status).toBe("401");
    expect(logs.at(-1)).toMatchObject({ outcome: "deny", reason: "refresh_failed", status: 401 });
    expect(JSON.parse(r.body ?? "{}")).toMatchObject({ error: "login_required" });
  });

  it("checks the session cookie itself on a page that reaches it: a forged or foreign-key cookie never passes", async () => {
    const { browser } = fastEdge();
    await signIn(browser, "bob", "/docs/");
    const good = browser.siteCookies.get("__Host-sso-session") as string;
    const [v, kid, payload] = good.split(".");
    const forged = `${v}.${kid}.${Buffer.from(JSON.stringify({ sub: "x", roles: ["staff"], exp: 4e9, rt: true })).toString("base64url")}.${good.split(".")[3]}`;
    for (const bad of [forged, `${v}.other.${payload}.${good.split(".")[3]}`, "garbage"]) {
      browser.setSiteCookie("__Host-sso-session", bad);
      const page: Page = await browser.request(`${SITE}/staff/`);
      expect(page.at).toBe("edge");
    }
    // Percent-encoded, bob's genuine cookie does not open /docs/: the function reads cookies as sent,
    // and so does the edge for this one (it decoded it, and let it through, before).
    browser.setSiteCookie("__Host-sso-session", `%76${good.slice(1)}`);
    expect((await browser.request(`${SITE}/docs/`)).at).toBe("edge");
    // bob's genuine cookie opens /docs/ but not /staff/ (he lacks the role).
    browser.setSiteCookie("__Host-sso-session", good);
    expect((await browser.request(`${SITE}/docs/`)).at).toBe("origin");
    const staff = await browser.request(`${SITE}/staff/`);
    expect(staff.at === "edge" && staff.response.status).toBe("403");
  });

  it("sends a tab whose session another tab already refreshed straight back, without a second grant", async () => {
    const { browser, logs } = fastEdge();
    await signIn(browser, "alice");
    const page = await browser.request(`${SITE}/_auth/refresh?return=%2Fdocs%2F`);
    expect(redirectTarget(page)).toBe(`${SITE}/docs/`);
    expect(logs.at(-1)).toMatchObject({ outcome: "refresh", reason: "already_refreshed" });
  });

  it("logs out: every cookie cleared, the /_auth/-scoped ones on their own path", async () => {
    const { browser } = fastEdge();
    await signIn(browser, "alice");
    const page = await browser.request(`${SITE}/_auth/logout`, {
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(page.at === "edge" && page.response.status).toBe("302");
    expect(browser.siteCookies.has("__Host-sso-session")).toBe(false);
    expect(siteJar(browser).header("/_auth/logout")).not.toMatch(/__Secure-sso-/);
  });

  it("refuses a fast-path config without a valid current key", () => {
    for (const sessionKeys of [
      undefined,
      {},
      { current: "short:abc" },
      { current: CURRENT, previous: CURRENT },
    ])
      expect(() => createHandler({ ...stack.config, mode: "cloudfront-function", sessionKeys })).toThrow(
        /sessionKeys/,
      );
    expect(() => createHandler({ ...stack.config, mode: "fast" })).toThrow(/mode/);
  });

  it("mints only the roles the rules name", () => {
    const rules = compileRules({
      publicPaths: [],
      requiredRoles: { "/staff/*": ["staff"] },
      indexDocument: "index.html",
    });
    expect(rules.roleRules.map((r) => r.roles)).toEqual([["staff"]]);
  });
});

function viewerEventFor(
  uri: string,
  querystring: string,
  cookie: string,
  headers: Record<string, string> = {},
) {
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: "d.cloudfront.net",
            distributionId: "E1",
            eventType: "viewer-request" as const,
            requestId: randomBytes(8).toString("hex"),
          },
          request: {
            clientIp: "203.0.113.1",
            method: "GET",
            uri,
            querystring,
            headers: {
              host: [{ key: "Host", value: new URL(SITE).host }],
              "sec-fetch-mode": [{ key: "Sec-Fetch-Mode", value: headers["sec-fetch-mode"] ?? "navigate" }],
              accept: [{ key: "Accept", value: headers.accept ?? "text/html" }],
              cookie: [{ key: "Cookie", value: cookie }],
            },
          },
        },
      },
    ],
  };
}
