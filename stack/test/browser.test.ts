import { existsSync } from "node:fs";
import { decodeJwt } from "jose";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningStack, startStack } from "../src/start-stack.js";
import { type BrowserSession, CHROMIUM, logIn, openBrowser, screenshot } from "./browser-session.js";
import { idpKinds } from "./idp-kinds.js";

// Short-lived access tokens, so the refresh test needs to wait only seconds. Real time, not a faked
// clock: the IdP may be a separate process (Keycloak), and the edge, the validation API and the IdP
// must agree on the time.
const ACCESS_TOKEN_TTL_S = 6;
const ALICE = { username: "alice", password: "alice-password" };
const BOB = { username: "bob", password: "bob-password" };

// Without Chromium the suite is skipped and says why, except under CI (.ci/run, GitHub Actions), where
// it must run: there a missing browser fails the test command, as a missing Keycloak tier does.
const chromiumMissing = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is missing (node stack/scripts/ensure-chromium.mjs installs it, or set CHROMIUM_PATH)`;
if (chromiumMissing && process.env.CI) {
  describe("the browser suite", () => {
    it("has Chromium under CI", () => {
      throw new Error(`the browser suite cannot run: ${chromiumMissing}`);
    });
  });
} else if (chromiumMissing) {
  describe.skip(`the demo site in a browser (skipped: ${chromiumMissing})`, () => {
    it("needs Chromium", () => {});
  });
}

// Both edge modes pass the same suite: the fast path (a CloudFront Function on page views, Lambda@Edge
// under /_auth/) and the original design (every request through Lambda@Edge).
const MODES = ["cloudfront-function", "lambda-edge"] as const;
const CASES = idpKinds.flatMap((kind) => MODES.map((mode) => [kind, mode] as const));

/** The expiry (ms) of the session's own cookie: the access token's `exp`, or the session token's. */
function expiryOf(value: string | undefined, mode: (typeof MODES)[number]): number {
  if (!value) return 0;
  if (mode === "lambda-edge") return (decodeJwt(value).exp ?? 0) * 1000;
  const payload = JSON.parse(Buffer.from(value.split(".")[2] ?? "", "base64url").toString("utf8"));
  return (payload.exp ?? 0) * 1000;
}

describe.runIf(!chromiumMissing).each(CASES)(
  "the demo site in a browser, with the %s IdP, mode %s",
  (kind, mode) => {
    let stack: RunningStack;
    let browser: BrowserSession;
    /** The cookie that stands for the session on page views in this mode. */
    const sessionSuffix = mode === "lambda-edge" ? "-at" : "-session";
    const shot = (name: string) => `${kind}-${mode}-${name}`;

    beforeAll(async () => {
      stack = await startStack({
        mode,
        idp: kind,
        sitePort: 0,
        apiPort: 0,
        idpPort: 0,
        accessTokenTtlSeconds: ACCESS_TOKEN_TTL_S,
      });
      // A first Keycloak start takes 50-70 s on a loaded 2-core machine.
    }, 240_000);
    afterAll(() => stack?.stop());
    beforeEach(async () => {
      browser = await openBrowser();
    });
    afterEach(() => browser?.close());

    const onLoginPage = async () => {
      const { page } = browser;
      await page.locator('input[name="password"]').waitFor();
      expect(page.url().startsWith(`${stack.idpUrl}/`)).toBe(true);
    };

    const logInAt = async (path: string, user: { username: string; password: string }) => {
      const { page } = browser;
      await page.goto(`${stack.siteUrl}${path}`);
      await onLoginPage();
      await logIn(page, user.username, user.password);
      await page.waitForURL(`${stack.siteUrl}${path}`);
    };

    const sessionCookie = async (suffix: string) =>
      (await browser.context.cookies(stack.siteUrl)).filter((c) => c.name.endsWith(suffix));

    it("sends a fresh browser visiting the site to the login page", async () => {
      await browser.page.goto(`${stack.siteUrl}/docs/`);
      await onLoginPage();
      await screenshot(browser.page, shot("01-login-page"));
    });

    it("serves a public page without a login", async () => {
      const res = await browser.page.goto(`${stack.siteUrl}/public/`);
      expect(res?.status()).toBe(200);
      await expect(browser.page.locator("#page-title").textContent()).resolves.toBe("Public page");
    });

    it("shows the page that was asked for after logging in", async () => {
      await logInAt("/docs/", ALICE);
      await expect(browser.page.locator("#page-title").textContent()).resolves.toBe("Documentation");
      await screenshot(browser.page, shot("02-logged-in"));
    });

    it("stays logged in on reload", async () => {
      await logInAt("/docs/", ALICE);
      const res = await browser.page.reload();
      expect(res?.status()).toBe(200);
      expect(browser.page.url()).toBe(`${stack.siteUrl}/docs/`);
      await expect(browser.page.locator("#secret").count()).resolves.toBe(1);
    });

    it("shows the staff page to a user with the staff role", async () => {
      await logInAt("/staff/", ALICE);
      await expect(browser.page.locator("#page-title").textContent()).resolves.toBe("Staff area");
      await screenshot(browser.page, shot("03-staff-allowed"));
    });

    it("gives a user without the role the 403 page", async () => {
      const { page } = browser;
      await page.goto(`${stack.siteUrl}/staff/`);
      await onLoginPage();
      const final = page.waitForResponse((r) => r.url() === `${stack.siteUrl}/staff/` && r.status() !== 302);
      await logIn(page, BOB.username, BOB.password);
      expect((await final).status()).toBe(403);
      await expect(page.locator("#secret").count()).resolves.toBe(0);
      await screenshot(page, shot("04-forbidden"));
      const again = await page.goto(`${stack.siteUrl}/staff/`);
      expect(again?.status()).toBe(403);
    });

    it("returns to the login page on logout, and the content is gone", async () => {
      const { page } = browser;
      await logInAt("/docs/", ALICE);
      await page.locator("#logout").click();
      await onLoginPage();
      await screenshot(page, shot("05-after-logout"));
      await page.goto(`${stack.siteUrl}/docs/`);
      await onLoginPage();
      await expect(page.locator("#secret").count()).resolves.toBe(0);
    });

    it("sends the user to log in again when the session cookie was tampered with", async () => {
      const { page, context } = browser;
      await logInAt("/docs/", ALICE);
      const cookies = await context.cookies(stack.siteUrl);
      const tampered = cookies.map((c) => {
        if (!c.name.includes("-at") && !c.name.includes("-rt") && !c.name.includes("-session")) return c;
        // Flip one character of the signature (or of an opaque refresh token).
        const i = c.value.length - 5;
        const ch = c.value[i] === "A" ? "B" : "A";
        return { ...c, value: `${c.value.slice(0, i)}${ch}${c.value.slice(i + 1)}` };
      });
      expect(tampered).not.toEqual(cookies);
      await context.clearCookies();
      await context.addCookies(tampered);
      const res = await page.request.get(`${stack.siteUrl}/docs/`, {
        maxRedirects: 0,
        headers: { accept: "text/html", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" },
      });
      expect(res.status()).toBe(302);
      // Straight to the IdP, or (fast path) by way of the edge's /_auth/login, which starts the login.
      const location = new URL(res.headers().location ?? "", stack.siteUrl).href;
      const toLogin =
        mode === "lambda-edge"
          ? `${stack.idpUrl}/protocol/openid-connect/auth?`
          : `${stack.siteUrl}/_auth/login?`;
      expect(location.startsWith(toLogin), location).toBe(true);
      expect(await res.text()).not.toContain('id="secret"');
      // In the browser: off to the IdP (which may sign the user in again at once if its own session lives).
      const toIdp = page.waitForRequest((r) => r.isNavigationRequest() && r.url().startsWith(stack.idpUrl));
      await page.goto(`${stack.siteUrl}/docs/`);
      await toIdp;
      await screenshot(page, shot("06-tampered-cookie"));
    });

    it("refreshes an expired access token without the user noticing", async () => {
      const { page } = browser;
      await logInAt("/docs/", ALICE);
      const [before] = await sessionCookie(sessionSuffix);
      const exp = expiryOf(before?.value, mode);
      // Wait for the real expiry (see ACCESS_TOKEN_TTL_S above).
      await page.waitForTimeout(Math.max(0, exp - Date.now()) + 1000);

      const idpNavigations: string[] = [];
      page.on("request", (r) => {
        if (r.isNavigationRequest() && r.url().startsWith(stack.idpUrl)) idpNavigations.push(r.url());
      });
      await page.reload();
      expect(page.url()).toBe(`${stack.siteUrl}/docs/`);
      await expect(page.locator("#page-title").textContent()).resolves.toBe("Documentation");
      expect(idpNavigations).toEqual([]);
      const [after] = await sessionCookie(sessionSuffix);
      expect(after?.value).toBeTruthy();
      expect(after?.value).not.toBe(before?.value);
      expect(expiryOf(after?.value, mode)).toBeGreaterThan(Date.now());
      await screenshot(page, shot("07-refreshed"));
    });
  },
);
