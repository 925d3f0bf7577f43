// Attacks on the login flow: the edge handler in process, the embedded IdP (a real oidc-provider with
// Keycloak's paths) and the real validation API on loopback. Every refused callback answers 400
// "Sign-in did not complete" and sets no session cookie.
import { randomBytes } from "node:crypto";
import { createHandler } from "@static-sso/edge-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FlowTarget, SITE, startFlowTarget } from "../src/flow-target.js";
import { type Answer, edgeTransport, SiteBrowser } from "../src/site-browser.js";

// Both edge modes face the same attacks: the original design, and the fast path (a signed session
// cookie minted at the callback, the ID and refresh tokens scoped to /_auth/).
const MODES = ["lambda-edge", "cloudfront-function"] as const;
const SESSION_KEY = `k1:${randomBytes(32).toString("base64url")}`;
let t: FlowTarget;

const STATE_PREFIX = "__Host-sso-st-";
const SESSION = /^__(Host|Secure)-sso-(at|id|rt|session)/;

/** Signs alice in up to the IdP's redirect to the callback; returns that callback URL, not yet visited. */
async function callbackUrl(b: SiteBrowser, start = `${SITE}/docs/`): Promise<URL> {
  const answer = await b.login(start, "alice", "alice-password", true);
  return new URL(answer.location as string, answer.url);
}

function sessionCookies(b: SiteBrowser): string[] {
  return [...b.siteJar.keys()].filter((n) => SESSION.test(n));
}

/** The one pending state cookie of the browser: its name and decoded `{ n, v, r }`. */
function stateCookie(b: SiteBrowser): { name: string; value: { n: string; v: string; r: string } } {
  const name = [...b.siteJar.keys()].find((n) => n.startsWith(STATE_PREFIX));
  if (!name) throw new Error("no state cookie");
  return { name, value: JSON.parse(Buffer.from(b.siteJar.get(name) as string, "base64url").toString()) };
}

function expectRefused(answer: Answer, b: SiteBrowser, reason: RegExp) {
  expect(answer.origin).toBe(false);
  expect(answer.status).toBe(400);
  expect(answer.body).toMatch(reason);
  expect(sessionCookies(b)).toEqual([]);
}

describe.each(MODES)("mode %s", (mode) => {
  beforeAll(async () => {
    t = await startFlowTarget(
      mode === "lambda-edge" ? {} : { edge: { mode, sessionKeys: { current: SESSION_KEY } } },
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  describe("the callback", () => {
    it("signs in with the state it issued (the control case)", async () => {
      const b = t.browser();
      const cb = await callbackUrl(b);
      const done = await b.request(cb.href);
      expect(done).toMatchObject({ status: 302, location: "/docs/" });
      expect(sessionCookies(b).sort()).toEqual(
        mode === "lambda-edge"
          ? ["__Host-sso-at", "__Host-sso-id", "__Host-sso-rt"]
          : ["__Host-sso-session", "__Secure-sso-id", "__Secure-sso-rt"],
      );
      expect((await b.request(`${SITE}/docs/`)).origin).toBe(true);
    });

    it("refuses a callback without state: 400 state_mismatch", async () => {
      const b = t.browser();
      const cb = await callbackUrl(b);
      cb.searchParams.delete("state");
      expectRefused(await b.request(cb.href), b, /state_mismatch/);
    });

    it("refuses a callback with a wrong state: 400 state_mismatch", async () => {
      const b = t.browser();
      const cb = await callbackUrl(b);
      cb.searchParams.set("state", randomBytes(16).toString("base64url"));
      expectRefused(await b.request(cb.href), b, /state_mismatch/);
    });

    it("refuses a state that is not one the edge issues (a cookie-name injection): 400 state_mismatch", async () => {
      const b = t.browser();
      const cb = await callbackUrl(b);
      cb.searchParams.set("state", "x; __Host-sso-at=forged");
      expectRefused(await b.request(cb.href), b, /state_mismatch/);
    });

    it("refuses a replayed state (the same callback twice): 400 state_mismatch the second time", async () => {
      const b = t.browser();
      const cb = await callbackUrl(b);
      expect((await b.request(cb.href)).status).toBe(302);
      b.siteJar.clear();
      expectRefused(await b.request(cb.href), b, /state_mismatch/);
    });

    it("refuses a state from another browser (login CSRF): 400 state_mismatch", async () => {
      const victim = t.browser();
      const attacker = t.browser();
      await attacker.follow(`${SITE}/docs/`, (next) => next.startsWith(t.idp.issuer)); // its own pending login
      const cb = await callbackUrl(victim);
      expectRefused(await attacker.request(cb.href), attacker, /state_mismatch/);
    });

    it("refuses the attacker's code injected into the victim's flow: 400 code_rejected (PKCE binds the code)", async () => {
      const attacker = t.browser();
      const stolen = await callbackUrl(attacker);
      const victim = t.browser();
      const own = await callbackUrl(victim);
      own.searchParams.set("code", stolen.searchParams.get("code") as string);
      expectRefused(await victim.request(own.href), victim, /code_rejected_invalid_grant/);
    });

    it("refuses a nonce mismatch (state cookie with another nonce): 400 nonce_mismatch", async () => {
      const b = t.browser();
      const cb = await callbackUrl(b);
      const { name, value } = stateCookie(b);
      b.siteJar.set(
        name,
        Buffer.from(JSON.stringify({ ...value, n: "another-nonce" })).toString("base64url"),
      );
      expectRefused(await b.request(cb.href), b, /nonce_mismatch/);
    });

    it("refuses an access token returned as the id_token by the token endpoint: 400 nonce_mismatch, no session", async () => {
      // The real IdP's token response with its access token copied over the id_token, as a confused or
      // hostile token endpoint (or anything between it and the edge) could send. The access token is
      // genuinely signed and for this client, so the validation API accepts it; it carries no nonce.
      const { token_endpoint } = (await (
        await fetch(`${t.idp.issuer}/.well-known/openid-configuration`)
      ).json()) as { token_endpoint: string };
      let swapped = 0;
      const swapIdToken: typeof fetch = async (input, init) => {
        const res = await fetch(input, init);
        if (String(input) !== token_endpoint || !res.ok) return res;
        const tokens = (await res.json()) as Record<string, unknown>;
        swapped++;
        return Response.json({ ...tokens, id_token: tokens.access_token });
      };
      const edge = createHandler(t.config, { fetch: swapIdToken, logSink: t.logs.sink });
      const b = new SiteBrowser(SITE, edgeTransport(edge, t.setCookies));
      const cb = await callbackUrl(b);
      expectRefused(await b.request(cb.href), b, /nonce_mismatch/);
      expect(swapped).toBe(1);
    });

    it("refuses a replayed code: 400 code_rejected_invalid_grant", async () => {
      const b = t.browser();
      const cb = await callbackUrl(b);
      const { name } = stateCookie(b);
      const saved = b.siteJar.get(name) as string;
      expect((await b.request(cb.href)).status).toBe(302);
      b.siteJar.clear();
      b.siteJar.set(name, saved);
      expectRefused(await b.request(cb.href), b, /code_rejected_invalid_grant/);
    });

    it("refuses an IdP error callback (error=access_denied): 400 idp_access_denied, state cleared", async () => {
      const b = t.browser();
      const cb = await callbackUrl(b);
      const state = cb.searchParams.get("state") as string;
      const answer = await b.request(`${SITE}/_auth/callback?error=access_denied&state=${state}`);
      expectRefused(answer, b, /idp_access_denied/);
      expect([...b.siteJar.keys()].filter((n) => n.startsWith(STATE_PREFIX))).toEqual([]);
    });

    it("refuses an IdP error text with markup: 400, nothing of it echoed", async () => {
      const b = t.browser();
      const answer = await b.request(`${SITE}/_auth/callback?error=%3Cscript%3Ealert(1)%3C/script%3E`);
      expectRefused(answer, b, /Reason: idp_scriptalertscript/);
      expect(answer.body).not.toMatch(/<script/i);
    });
  });

  describe("where the browser goes after login", () => {
    const HOSTILE = [
      "https://evil.example/",
      "//evil.example/",
      "/\\evil.example/",
      "/%2F%2Fevil.example/",
      "/%2f%2fevil.example/",
      "/%5Cevil.example/",
      "/%252F%252Fevil.example/",
      "/\t/evil.example/",
      "/%09/evil.example/",
      "/\n/evil.example/",
      "/%0d%0aLocation:%20https://evil.example/",
      "javascript:alert(1)",
      "/../../evil.example/",
    ];
    const onSite = (location: string | undefined) => {
      expect(location).toBeDefined();
      expect(new URL(location as string, SITE).origin).toBe(SITE);
      expect(location).toMatch(/^\/(?![/\\])/);
      expect(location).not.toMatch(/[\s\\]|%2f%2f|%5c/i);
    };

    for (const target of HOSTILE) {
      it(`refuses return-to ${JSON.stringify(target)} carried in the state cookie: the Location stays on the site`, async () => {
        const b = t.browser();
        const cb = await callbackUrl(b);
        const { name, value } = stateCookie(b);
        b.siteJar.set(name, Buffer.from(JSON.stringify({ ...value, r: target })).toString("base64url"));
        const done = await b.request(cb.href);
        expect(done.status).toBe(302);
        onSite(done.location);
      });
    }

    for (const uri of ["//evil.example/", "/\\evil.example/"]) {
      it(`refuses return-to ${JSON.stringify(uri)} taken from the requested path: the Location stays on the site`, async () => {
        const b = t.browser();
        const cb = await callbackUrl(b, `${SITE}${uri}`);
        const done = await b.request(cb.href);
        expect(done.status).toBe(302);
        onSite(done.location);
      });
    }

    // An encoded `/` or `\` has no canonical path (issue #18): the page is refused before any login starts.
    for (const uri of ["/%2F%2Fevil.example/", "/%5Cevil.example/"]) {
      it(`refuses ${JSON.stringify(uri)} with 400 before a login starts: no Location at all`, async () => {
        const b = t.browser();
        const page = await b.request(`${SITE}${uri}`);
        expect(page.status).toBe(400);
        expect(page.location).toBeUndefined();
      });
    }
  });

  describe("logout", () => {
    it("refuses a post-logout redirect to a foreign site given in the query: the IdP sends the browser back to the site", async () => {
      const b = t.browser();
      await b.request((await callbackUrl(b)).href);
      const out = await b.request(
        `${SITE}/_auth/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F&returnTo=https://evil.example/`,
      );
      expect(out.status).toBe(302);
      const location = new URL(out.location as string);
      expect(location.href.startsWith(`${t.idp.issuer}/protocol/openid-connect/logout?`)).toBe(true);
      expect(location.searchParams.get("post_logout_redirect_uri")).toBe(`${SITE}/`);
      const end = await b.follow(location.href, (next) => next.startsWith(SITE));
      expect(new URL(end.location as string, end.url).origin).toBe(SITE);
      expect(sessionCookies(b)).toEqual([]);
    });

    it("refuses a configured post-logout redirect to a foreign host: the site's root instead", async () => {
      const edge = createHandler({ ...t.config, postLogoutRedirectUri: "https://evil.example/bye" });
      const out = await new SiteBrowser(SITE, edgeTransport(edge)).request(`${SITE}/_auth/logout`);
      expect(new URL(out.location as string).searchParams.get("post_logout_redirect_uri")).toBe(`${SITE}/`);
    });
  });

  describe("cookies", () => {
    it("never sets a cookie without HttpOnly, Secure, SameSite=Lax and its Path, or with a Domain", () => {
      // Every Set-Cookie the edge emitted in this file's tests (logins, refusals, logout).
      expect(t.setCookies.length).toBeGreaterThan(20);
      for (const line of t.setCookies) {
        const attrs = line
          .split(";")
          .slice(1)
          .map((a) => a.trim().toLowerCase());
        expect(line, line).toMatch(/^__(Host|Secure)-sso-/);
        expect(attrs, line).toContain("httponly");
        expect(attrs, line).toContain("secure");
        expect(attrs, line).toContain("samesite=lax");
        // __Host- cookies on Path=/; the fast path's __Secure- ones (ID and refresh tokens) on /_auth/ only.
        expect(attrs, line).toContain(line.startsWith("__Host-") ? "path=/" : "path=/_auth/");
        expect(
          attrs.some((a) => a.startsWith("domain")),
          line,
        ).toBe(false);
      }
    });
  });
});
