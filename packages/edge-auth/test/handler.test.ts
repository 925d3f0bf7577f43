import type { ServerResponse } from "node:http";
import { createTestKey, PAGE_LOAD_HEADERS, signToken, viewerRequestEvent } from "@static-sso/testing";
import { startValidateServer } from "@static-sso/validate-api";
import type { CloudFrontRequest, CloudFrontResultResponse } from "aws-lambda";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler, type HandlerDeps } from "../src/index.js";
import { Browser, locationOf, type Page, setCookiesOf } from "./fixtures/browser.js";
import { expectGenerated } from "./fixtures/expect-generated.js";
import { type LoginStack, SITE, startLoginStack, testClock } from "./fixtures/login-stack.js";
import { type StubServer, startStubServer } from "./fixtures/stub-server.js";

let stack: LoginStack;
beforeAll(async () => {
  stack = await startLoginStack();
});
afterAll(() => stack?.stop());

function setup(extra: Record<string, unknown> = {}, deps: HandlerDeps = {}) {
  const logs: Array<Record<string, unknown>> = [];
  const clock = testClock();
  let validateCalls = 0;
  const countingFetch: typeof fetch = (input, init) => {
    if (String(input) === stack.validate.validateUrl) validateCalls++;
    return fetch(input, init);
  };
  const handler = createHandler(
    { ...stack.config, ...extra },
    { now: clock.now, fetch: countingFetch, logSink: (l) => logs.push(JSON.parse(l)), ...deps },
  );
  const browser = new Browser(handler, SITE);
  return { handler, browser, logs, clock, validateCalls: () => validateCalls };
}

function origin(page: Page): CloudFrontRequest {
  if (page.at !== "origin") throw new Error(`expected the origin, got ${JSON.stringify(page).slice(0, 500)}`);
  return page.request;
}

/** A click on a link of the site: the browser says so with Fetch Metadata. */
const SAME_ORIGIN = { headers: { "sec-fetch-site": "same-origin" } };

const sessionNames = (cookies: Map<string, string>) =>
  [...cookies.keys()].filter((n) => !n.includes("-st-")).sort();

describe("without a session", () => {
  it("works as a Lambda handler itself: Lambda's context in place of a deadline gets the request its own", async () => {
    const { handler } = setup();
    const context = { functionName: "site-auth", getRemainingTimeInMillis: () => 5000 };
    const event = viewerRequestEvent({ uri: "/docs/", headers: PAGE_LOAD_HEADERS });
    const res = (await handler(event, context as never)) as CloudFrontResultResponse;
    expect(res.status).toBe("302");
    expect(res.headers?.location?.[0]?.value).toContain(`${stack.idp.issuer}/protocol/openid-connect/auth`);
  });

  it("redirects a page load to the authorization endpoint with state, nonce and PKCE S256", async () => {
    const { browser } = setup();
    const res = expectGenerated(await browser.request(`${SITE}/docs/?page=2`), "302");
    const location = new URL(locationOf(res) ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(`${stack.idp.issuer}/protocol/openid-connect/auth`);
    const q = location.searchParams;
    expect(q.get("response_type")).toBe("code");
    expect(q.get("client_id")).toBe(stack.idp.clientId);
    expect(q.get("redirect_uri")).toBe(`${SITE}/_auth/callback`);
    expect(q.get("scope")).toBe("openid profile email");
    expect(q.get("state")).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(q.get("nonce")).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get("code_challenge_method")).toBe("S256");
    const [stateCookie] = setCookiesOf(res);
    expect(stateCookie).toMatch(new RegExp(`^__Host-sso-st-${q.get("state")}=`));
    expect(stateCookie).toMatch(/HttpOnly/);
    expect(stateCookie).toMatch(/Secure/);
    expect(stateCookie).toMatch(/SameSite=Lax/);
    expect(stateCookie).toMatch(/Path=\//);
    expect(stateCookie).toMatch(/Max-Age=600/);
  });

  it("clears abandoned login states once too many are in flight, keeping the cookie jar bounded", async () => {
    const { browser } = setup();
    for (let i = 0; i < 8; i++) browser.setSiteCookie(`__Host-sso-st-${String(i).padStart(22, "A")}`, "x");
    const res = expectGenerated(await browser.request(`${SITE}/`), "302");
    expect(setCookiesOf(res).filter((c) => c.includes("Max-Age=0")).length).toBe(8);
    expect([...browser.siteCookies.keys()].filter((n) => n.includes("-st-")).length).toBe(1);
  });

  it("clears abandoned login states once they take too many bytes, keeping the cookie header bounded", async () => {
    const { browser } = setup();
    for (let i = 0; i < 3; i++)
      browser.setSiteCookie(`__Host-sso-st-${String(i).padStart(22, "A")}`, "x".repeat(1500));
    const res = expectGenerated(await browser.request(`${SITE}/`), "302");
    expect(setCookiesOf(res).filter((c) => c.includes("Max-Age=0")).length).toBe(3);
  });

  it("answers a fetch request (Sec-Fetch-Mode: cors) with 401 JSON instead of a redirect", async () => {
    const { browser } = setup();
    const res = expectGenerated(
      await browser.request(`${SITE}/data.json`, { headers: { "sec-fetch-mode": "cors" } }),
      "401",
    );
    expect(res.headers?.["content-type"]?.[0]?.value).toBe("application/json");
    expect(JSON.parse(res.body ?? "")).toMatchObject({ error: "login_required" });
  });

  it("answers a request that accepts only application/json with 401 JSON", async () => {
    const { handler } = setup();
    const event = viewerRequestEvent({
      uri: "/api.json",
      headers: { ...PAGE_LOAD_HEADERS, accept: "application/json" },
    });
    delete event.Records[0]?.cf.request.headers["sec-fetch-mode"];
    const res = await handler(event);
    expect(res).toMatchObject({ status: "401" });
  });

  it("lets public paths through without a session", async () => {
    const { browser } = setup();
    expect(origin(await browser.request(`${SITE}/public/index.html`)).uri).toBe("/public/index.html");
  });

  it("does not treat an encoded way out of a public path as public", async () => {
    const { browser } = setup();
    const page = await browser.request(`${SITE}/public/..%2Fstaff/index.html`);
    expect(page.at).toBe("edge");
  });
});

describe("signing in", () => {
  it("brings the browser back to the original path and query with HttpOnly Secure SameSite=Lax __Host- session cookies", async () => {
    const { browser } = setup();
    const form = await browser.visit(`${SITE}/staff/report.html?year=2026`);
    const callback = await browser.submitLogin(form, "alice", "alice-password", { stopAt: `${SITE}/staff/` });
    const res = expectGenerated(callback, "302");
    expect(locationOf(res)).toBe("/staff/report.html?year=2026");
    const session = setCookiesOf(res).filter((c) => !c.includes("-st-"));
    expect(session.map((c) => c.split("=")[0]).sort()).toEqual([
      "__Host-sso-at",
      "__Host-sso-id",
      "__Host-sso-rt",
    ]);
    for (const c of session) expect(c).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(setCookiesOf(res).find((c) => c.includes("-st-"))).toMatch(/Max-Age=0/);
    const page = await browser.visit(`${SITE}/staff/report.html?year=2026`);
    expect(origin(page)).toMatchObject({ uri: "/staff/report.html", querystring: "year=2026" });
  });

  it("lets two tabs log in at once, each back to its own page", async () => {
    const { browser } = setup();
    const formA = await browser.visit(`${SITE}/a.html`);
    const formB = await browser.visit(`${SITE}/b.html`);
    const endB = await browser.submitLogin(formB, "bob", "bob-password");
    expect(origin(endB).uri).toBe("/b.html");
    const endA = await browser.submitLogin(formA, "bob", "bob-password");
    expect(origin(endA).uri).toBe("/a.html");
    expect([...browser.siteCookies.keys()].filter((n) => n.includes("-st-"))).toEqual([]);
  });

  it("refuses a callback whose state cookie is missing (a login started elsewhere)", async () => {
    const { browser } = setup();
    const form = await browser.visit(`${SITE}/`);
    const atCallback = await browser.submitLogin(form, "bob", "bob-password", {
      stopAt: `${SITE}/_auth/callback`,
    });
    const callbackUrl = atCallback.at === "idp" ? atCallback.body : "";
    const other = setup().browser;
    const res = expectGenerated(await other.request(callbackUrl), "400");
    expect(res.body).toContain("state_mismatch");
    expect(sessionNames(other.siteCookies)).toEqual([]);
  });

  it("refuses an ID token whose nonce is not the one sent", async () => {
    const { browser } = setup();
    const form = await browser.visit(`${SITE}/`);
    const atCallback = await browser.submitLogin(form, "bob", "bob-password", {
      stopAt: `${SITE}/_auth/callback`,
    });
    const callbackUrl = atCallback.at === "idp" ? atCallback.body : "";
    for (const [name, value] of browser.siteCookies) {
      if (!name.includes("-st-")) continue;
      const s = JSON.parse(Buffer.from(value, "base64url").toString());
      browser.setSiteCookie(
        name,
        Buffer.from(JSON.stringify({ ...s, n: "another-nonce" })).toString("base64url"),
      );
    }
    const res = expectGenerated(await browser.request(callbackUrl), "400");
    expect(res.body).toContain("nonce_mismatch");
    expect(sessionNames(browser.siteCookies)).toEqual([]);
  });

  it("answers a code the token endpoint rejects with a clear page, not a crash", async () => {
    const { browser } = setup();
    const form = await browser.visit(`${SITE}/`);
    const atCallback = await browser.submitLogin(form, "bob", "bob-password", {
      stopAt: `${SITE}/_auth/callback`,
    });
    const callbackUrl = atCallback.at === "idp" ? atCallback.body : "";
    const saved = new Map(browser.siteCookies);
    await browser.request(callbackUrl);
    for (const [k, v] of saved) browser.setSiteCookie(k, v); // replay: same state cookie, used code
    const res = expectGenerated(await browser.request(callbackUrl), "400");
    expect(res.body).toContain("code_rejected_invalid_grant");
  });

  it("answers an IdP error callback with a clear page", async () => {
    const { browser } = setup();
    const res = expectGenerated(
      await browser.request(`${SITE}/_auth/callback?error=access_denied&state=AAAAAAAAAAAAAAAAAAAAAA`),
      "400",
    );
    expect(res.body).toContain("idp_access_denied");
  });

  it("refuses, at the callback and with its reason, an access token the validation API refuses", async () => {
    // A validation API that needs a claim only ID tokens carry: the ID token passes, the access token
    // does not. Left to the first page load, this would send the browser round the IdP in a loop.
    const strict = await startValidateServer({
      issuer: stack.idp.issuer,
      audience: stack.idp.clientId,
      requiredClaims: ["sub", "nonce"],
    });
    try {
      const { browser } = setup({ validateUrl: strict.validateUrl });
      const form = await browser.visit(`${SITE}/`);
      const res = expectGenerated(await browser.submitLogin(form, "bob", "bob-password"), "400");
      expect(res.body).toContain("access_token_claim_invalid");
      expect(sessionNames(browser.siteCookies)).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it("never sends the browser to another site after login", async () => {
    const { browser } = setup();
    const end = await browser.login(`${SITE}//evil.example/x`, "bob", "bob-password");
    // Sent home instead, whose index document the origin is asked for.
    expect(origin(end).uri).toBe("/index.html");
  });
});

describe("with a session", () => {
  async function signedIn(user: "alice" | "bob", extra: Record<string, unknown> = {}) {
    const s = setup(extra);
    await s.browser.login(`${SITE}/`, user, `${user}-password`);
    return s;
  }

  it("passes the request to the origin with the session cookies removed and other cookies kept", async () => {
    const { browser, handler } = await signedIn("bob");
    const session = [...browser.siteCookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await handler(
      viewerRequestEvent({
        uri: "/page.html",
        headers: PAGE_LOAD_HEADERS,
        cookieHeaders: ["theme=dark", `${session}; lang=en`],
      }),
    );
    expect((res as CloudFrontRequest).headers.cookie).toEqual([
      { key: "Cookie", value: "theme=dark" },
      { key: "Cookie", value: "lang=en" },
    ]);
  });

  it("joins an access token split over several cookies, and strips every chunk before the origin", async () => {
    const first = await signedIn("bob");
    const { browser } = setup(); // a cold container: nothing cached
    const access = first.browser.siteCookies.get("__Host-sso-at") ?? "";
    const chunks = access.match(/.{1,300}/g) ?? [];
    expect(chunks.length).toBeGreaterThan(1);
    for (const [i, chunk] of chunks.entries()) browser.setSiteCookie(`__Host-sso-at.${i}`, chunk);
    browser.setSiteCookie("theme", "dark");
    const req = origin(await browser.request(`${SITE}/page.html`));
    expect(req.headers.cookie).toEqual([{ key: "Cookie", value: "theme=dark" }]);
  });

  it("sends a session cookie with characters no JWT has to login, not to a 503", async () => {
    const first = await signedIn("bob");
    const { browser } = setup();
    browser.setSiteCookie("__Host-sso-at", `${first.browser.siteCookies.get("__Host-sso-at")}%20x`);
    const res = expectGenerated(await browser.request(`${SITE}/`), "302");
    expect(locationOf(res)).toContain("/protocol/openid-connect/auth");
  });

  it("drops the cookie header when only session cookies were sent", async () => {
    const { browser } = await signedIn("bob");
    const req = origin(await browser.request(`${SITE}/page.html`));
    expect(req.headers.cookie).toBeUndefined();
  });

  it("asks the validation API once per token in a warm container", async () => {
    const { browser, validateCalls } = await signedIn("bob");
    expect(validateCalls()).toBe(2); // the ID and access tokens at the callback; the first page is a hit
    await browser.request(`${SITE}/one.html`);
    await browser.request(`${SITE}/two.html`);
    await browser.request(`${SITE}/three.html`);
    expect(validateCalls()).toBe(2);
  });

  it("gives 403 on a path that needs a role the user does not have", async () => {
    const { browser } = await signedIn("bob");
    expectGenerated(await browser.request(`${SITE}/staff/`), "403");
  });

  it("offers a way out of the 403 page: a logout, so another user can sign in", async () => {
    const { browser } = await signedIn("bob");
    const res = expectGenerated(await browser.request(`${SITE}/staff/`), "403");
    expect(res.body).toContain('<a href="/_auth/logout">');
  });

  it("lets a user with the realm role in, asking the origin for the directory's index document", async () => {
    const { browser } = await signedIn("alice");
    expect(origin(await browser.request(`${SITE}/staff/`)).uri).toBe("/staff/index.html");
  });

  it("passes a directory URI as it is when directoryIndex is turned off", async () => {
    const { browser } = await signedIn("alice", { directoryIndex: "" });
    expect(origin(await browser.request(`${SITE}/staff/`)).uri).toBe("/staff/");
  });

  it("adds the directory index to public directories too, and to nothing else", async () => {
    const { browser } = setup();
    expect(origin(await browser.request(`${SITE}/public/`)).uri).toBe("/public/index.html");
    expect(origin(await browser.request(`${SITE}/public/style.css`)).uri).toBe("/public/style.css");
  });

  it("applies a plain requiredRoles list to every protected path", async () => {
    const { browser } = await signedIn("bob", { requiredRoles: ["staff"] });
    expectGenerated(await browser.request(`${SITE}/anything.html`), "403");
  });

  it("refreshes an access token that has expired locally and redirects to the same URL with new cookies", async () => {
    const { browser, clock } = await signedIn("bob");
    const oldAccess = browser.siteCookies.get("__Host-sso-at") ?? "";
    // The IdP keeps real time: let a new second start, so its new token outlives the old one, then put
    // the edge's clock at the old token's expiry (not beyond: a clock ahead of the IdP's is the next test).
    await new Promise((r) => setTimeout(r, 2100));
    clock.advance((decodeJwt(oldAccess).exp ?? 0) * 1000 - Date.now());
    const res = expectGenerated(await browser.request(`${SITE}/x.html?y=1`), "302");
    expect(locationOf(res)).toBe("/x.html?y=1");
    const newAccess = browser.siteCookies.get("__Host-sso-at");
    expect(newAccess).toBeDefined();
    expect(newAccess).not.toBe(oldAccess);
    expect(origin(await browser.request(`${SITE}/x.html?y=1`)).uri).toBe("/x.html");
  });

  it("does not refresh in a loop when the new token is already expired by the edge's clock", async () => {
    const { browser, clock, logs } = await signedIn("bob");
    clock.advance(10 * 60 * 1000); // ahead of the IdP's by more than a token's 5 minutes
    const res = expectGenerated(await browser.request(`${SITE}/x.html`), "302");
    // Not back to the page (which would refresh again): the session ends and the IdP is asked once more.
    expect(locationOf(res)).toContain(`${stack.idp.issuer}/protocol/openid-connect/auth`);
    expect(logs.at(-1)).toMatchObject({ outcome: "login", reason: "access_token_expired_on_arrival" });
    expect(sessionNames(browser.siteCookies)).toEqual([]);
  });

  it("refreshes when the validation API says token_expired", async () => {
    const first = await signedIn("bob");
    const { browser } = setup(); // a cold container: nothing cached
    for (const [k, v] of first.browser.siteCookies) browser.setSiteCookie(k, v);
    const oldAccess = browser.siteCookies.get("__Host-sso-at");
    stack.validateClock.advance(10 * 60 * 1000);
    try {
      expectGenerated(await browser.request(`${SITE}/y.html`), "302");
    } finally {
      stack.validateClock.reset();
    }
    expect(browser.siteCookies.get("__Host-sso-at")).not.toBe(oldAccess);
    expect(origin(await browser.request(`${SITE}/y.html`)).uri).toBe("/y.html");
  });

  it("goes back to login when the refresh fails", async () => {
    const { browser, clock } = await signedIn("bob");
    browser.setSiteCookie("__Host-sso-rt", "not-a-refresh-token");
    clock.advance(10 * 60 * 1000);
    const res = expectGenerated(await browser.request(`${SITE}/z.html`), "302");
    expect(locationOf(res)).toContain(`${stack.idp.issuer}/protocol/openid-connect/auth`);
    expect(sessionNames(browser.siteCookies)).toEqual([]);
  });

  it("does not take the ID token as the session's access token", async () => {
    const first = await signedIn("bob");
    const { browser } = setup(); // a cold container: nothing cached
    const idToken = first.browser.siteCookies.get("__Host-sso-id") ?? "";
    browser.setSiteCookie("__Host-sso-at", idToken);
    const res = expectGenerated(await browser.request(`${SITE}/`), "302");
    expect(locationOf(res)).toContain("/protocol/openid-connect/auth");
  });

  it("sends a bad session cookie to login", async () => {
    const { browser } = setup();
    browser.setSiteCookie("__Host-sso-at", "garbage");
    const res = expectGenerated(await browser.request(`${SITE}/`), "302");
    expect(locationOf(res)).toContain("/protocol/openid-connect/auth");
  });

  it.each([
    ["a cross-site link or image", { "sec-fetch-site": "cross-site" }],
    ["a sibling subdomain", { "sec-fetch-site": "same-site" }],
    ["a client that sends no Fetch Metadata", {}],
  ])("does not log out on a GET from %s: a page with a same-origin POST form instead", async (_, headers) => {
    const { browser, logs } = await signedIn("bob");
    const before = new Map(browser.siteCookies);
    const res = expectGenerated(await browser.request(`${SITE}/_auth/logout`, { headers }), "200");
    expect(res.headers?.["set-cookie"]).toBeUndefined();
    expect(res.body).toContain('<form method="post" action="/_auth/logout">');
    expect(res.headers?.["x-frame-options"]?.[0]?.value).toBe("DENY");
    expect(browser.siteCookies).toEqual(before);
    expect(logs.at(-1)).toMatchObject({
      outcome: "logout_confirm",
      reason: "logout_not_same_origin",
      status: 200,
    });
  });

  it.each([
    ["Sec-Fetch-Site: same-origin", { "sec-fetch-site": "same-origin" }],
    ["Origin of the site (no Fetch Metadata)", { origin: SITE }],
  ])("logs out on a POST with %s", async (_, headers) => {
    const { browser } = await signedIn("bob");
    expectGenerated(await browser.request(`${SITE}/_auth/logout`, { method: "POST", headers }), "302");
    expect(browser.siteCookies.size).toBe(0);
  });

  it("does not log out on a cross-site POST", async () => {
    const { browser } = await signedIn("bob");
    const headers = { "sec-fetch-site": "cross-site", origin: "https://evil.example" };
    expectGenerated(await browser.request(`${SITE}/_auth/logout`, { method: "POST", headers }), "200");
    expect(browser.siteCookies.size).toBeGreaterThan(0);
  });

  it("logs out: clears every session cookie and redirects to the end-session endpoint", async () => {
    const { browser } = await signedIn("bob");
    const idToken = browser.siteCookies.get("__Host-sso-id");
    const res = expectGenerated(await browser.request(`${SITE}/_auth/logout`, SAME_ORIGIN), "302");
    const location = new URL(locationOf(res) ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(
      `${stack.idp.issuer}/protocol/openid-connect/logout`,
    );
    expect(location.searchParams.get("id_token_hint")).toBe(idToken);
    expect(location.searchParams.get("client_id")).toBe(stack.idp.clientId);
    expect(location.searchParams.get("post_logout_redirect_uri")).toBe(`${SITE}/`);
    expect(browser.siteCookies.size).toBe(0);
    const after = await browser.visit(location.href);
    // Back on the site with no session, and the IdP asks for the password again.
    expect(after).toMatchObject({ at: "idp", status: 200 });
    expect(after.at === "idp" && after.body).toContain('name="password"');
  });
});

describe("failing closed", () => {
  const stubs: Array<StubServer | undefined> = [];
  afterAll(async () => {
    for (const s of stubs) await s?.close();
  });

  async function sessionCookies() {
    const s = setup();
    await s.browser.login(`${SITE}/`, "bob", "bob-password");
    return [...s.browser.siteCookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  it.each<[string, ((res: ServerResponse) => void) | undefined]>([
    ["down", undefined],
    ["slow", () => {}],
    ["answering garbage", (res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>")],
    ["answering 500", (res) => res.writeHead(500).end("{}")],
  ])(
    "answers 503 with Retry-After, never the content, when the validation API is %s",
    async (_what, answer) => {
      const cookie = await sessionCookies();
      const stub = answer ? await startStubServer((_req, _body, res) => answer(res)) : undefined;
      stubs.push(stub);
      const validateUrl = stub ? `${stub.url}/validate` : "http://127.0.0.1:9/validate";
      const { handler } = setup({ validateUrl, validateTimeoutMs: 200 });
      const res = await handler(
        viewerRequestEvent({ uri: "/", headers: PAGE_LOAD_HEADERS, cookieHeaders: [cookie] }),
      );
      expect(res).toMatchObject({ status: "503" });
      const r = res as { headers: Record<string, Array<{ value: string }>> };
      expect(r.headers["retry-after"]?.[0]?.value).toBe("5");
      expect(r.headers["cache-control"]?.[0]?.value).toBe("no-store");
    },
  );

  it("answers 503 when the token endpoint fails during the callback", async () => {
    const idp = await startStubServer((req, _body, res) => {
      const issuer = `http://127.0.0.1:${req.socket.localPort}/realms/demo`;
      if (req.url?.endsWith("/.well-known/openid-configuration"))
        return res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            issuer,
            authorization_endpoint: `${issuer}/auth`,
            token_endpoint: `${issuer}/token`,
            jwks_uri: `${issuer}/certs`,
          }),
        );
      res.writeHead(502).end("bad gateway");
    });
    stubs.push(idp);
    const { browser } = setup({ issuer: `${idp.url}/realms/demo` });
    const login = expectGenerated(await browser.request(`${SITE}/`), "302");
    const state = new URL(locationOf(login) ?? "").searchParams.get("state");
    const res = expectGenerated(
      await browser.request(`${SITE}/_auth/callback?code=abc&state=${state}`),
      "503",
    );
    expect(res.headers?.["retry-after"]?.[0]?.value).toBe("5");
  });

  it("answers 503 when the IdP's discovery document is garbage (null, or an endpoint that is no https URL)", async () => {
    for (const doc of ["null", '{"issuer":"ISSUER","authorization_endpoint":"javascript:alert(1)"}']) {
      const idp = await startStubServer((req, _body, res) => {
        const issuer = `http://127.0.0.1:${req.socket.localPort}/realms/demo`;
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(
            doc
              .replace("ISSUER", issuer)
              .replace("}", `,"token_endpoint":"${issuer}/t","jwks_uri":"${issuer}/c"}`),
          );
      });
      stubs.push(idp);
      const { browser, logs } = setup({ issuer: `${idp.url}/realms/demo` });
      const res = expectGenerated(await browser.request(`${SITE}/`), "503");
      expect(res.headers?.["retry-after"]?.[0]?.value).toBe("5");
      expect(logs.at(-1)).toMatchObject({ outcome: "unavailable", reason: "discovery_unavailable" });
    }
  });

  it("answers 503 when the IdP cannot be reached to refresh a session", async () => {
    const { browser, logs } = setup({ issuer: "http://127.0.0.1:9/realms/demo" });
    browser.setSiteCookie("__Host-sso-rt", "a-refresh-token");
    expectGenerated(await browser.request(`${SITE}/`), "503");
    expect(logs.at(-1)).toMatchObject({ outcome: "unavailable", reason: "discovery_unavailable" });
  });

  it("still clears the session when the IdP cannot be reached to log out, and answers 503", async () => {
    const { browser } = setup({ issuer: "http://127.0.0.1:9/realms/demo" });
    browser.setSiteCookie("__Host-sso-at", "a.b.c");
    browser.setSiteCookie("__Host-sso-rt", "r");
    expectGenerated(await browser.request(`${SITE}/_auth/logout`, SAME_ORIGIN), "503");
    expect(browser.siteCookies.size).toBe(0);
  });

  it("never keeps a validation past the token's exp, whatever the validation API says", async () => {
    // A validation API that vouches for an hour, for a token with a minute left.
    const key = await createTestKey();
    const token = await signToken(key, { sub: "u" }, { expiresInSeconds: 60 });
    const api = await startStubServer((_req, _body, res) =>
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(
          JSON.stringify({ valid: true, claims: { sub: "u", exp: decodeJwt(token).exp }, expiresIn: 3600 }),
        ),
    );
    stubs.push(api);
    const { browser, clock } = setup({ validateUrl: `${api.url}/validate` });
    browser.setSiteCookie("__Host-sso-at", token);
    origin(await browser.request(`${SITE}/a.html`));
    clock.advance(61_000);
    const res = expectGenerated(await browser.request(`${SITE}/a.html`), "302");
    expect(locationOf(res)).toContain("/protocol/openid-connect/auth");
  });

  it("answers 500 rather than send a response over Lambda@Edge's 40 KB limit", async () => {
    const { browser, logs } = setup();
    // Hundreds of stale access-token chunks, each of which the login redirect would expire.
    for (let i = 0; i < 600; i++) browser.setSiteCookie(`__Host-sso-at.${i}`, "x");
    expectGenerated(await browser.request(`${SITE}/`), "500");
    expect(logs.at(-1)).toMatchObject({ outcome: "login", detail: "response_too_large" });
  });

  it("answers 503 when the IdP cannot be reached to start a login", async () => {
    const { browser } = setup({ issuer: "http://127.0.0.1:9/realms/demo" });
    expectGenerated(await browser.request(`${SITE}/`), "503");
  });

  it("logs a plain pass only at debug (off by default): the login and callback lines remain", async () => {
    const { browser, logs } = setup();
    await browser.login(`${SITE}/`, "bob", "bob-password");
    const requests = logs.filter((l) => l.message === "request");
    expect(requests.map((l) => [l.level, l.outcome])).toEqual([
      ["info", "login"],
      ["info", "callback"],
    ]);
  });

  it("writes one JSON log line per request (logLevel debug) with the one schema's keys, and never a token, code or cookie", async () => {
    const { browser, logs } = setup({ logLevel: "debug" });
    await browser.login(`${SITE}/`, "bob", "bob-password");
    const secrets = [...browser.siteCookies.values()];
    const text = JSON.stringify(logs);
    for (const s of secrets) expect(text).not.toContain(s);
    expect(text).not.toMatch(/code=|eyJ/);
    const requests = logs.filter((l) => l.message === "request");
    expect(requests.length).toBe(3); // login redirect, callback, the page
    for (const l of requests) {
      expect(l).toMatchObject({
        fn: "edge-auth",
        requestId: "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
      });
      expect(typeof l.durationMs).toBe("number");
      expect(typeof l.reason).toBe("string");
    }
    expect(requests.at(-1)).toMatchObject({ level: "debug", outcome: "pass", reason: "session_valid" });
    expect(requests.map((l) => l.outcome)).toEqual(["login", "callback", "pass"]);
    expect(decodeJwt(secrets.find((s) => s.startsWith("eyJ")) ?? "").iss).toBe(stack.idp.issuer);
  });
});
