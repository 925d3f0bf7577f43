// The real-Keycloak tier: one Keycloak (with PostgreSQL, as deployed) for this file, the validation
// API and the edge function in front of a small site, all on loopback with free ports.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHandler } from "@static-sso/edge-auth";
import { JwksCache, startValidateServer, type ValidateServer } from "@static-sso/validate-api";
import type { CloudFrontRequest, CloudFrontRequestEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CloudFrontEmulator,
  type RequestLogLine,
  startCloudFrontEmulator,
} from "../src/cloudfront-emulator.js";
import { newSessionKeyValue, type PreparedViewerFunction, prepareViewerFunction } from "../src/fast-path.js";
import { freePort } from "../src/free-port.js";
import {
  type BrowserLikeClient,
  createBrowserLikeClient,
  type NavigationResult,
} from "../src/keycloak/browser-like-client.js";
import type { KeycloakError } from "../src/keycloak/keycloak-error.js";
import { findKeycloakInstall } from "../src/keycloak/keycloak-install.js";
import { noAudienceClientId, noAudienceClientSecret, readDemoRealm } from "../src/keycloak/realm-import.js";
import { type KeycloakNode, type RunningKeycloak, startKeycloak } from "../src/keycloak/start-keycloak.js";
import { startStack } from "../src/start-stack.js";
import { isLoopback, listeningSockets } from "./listening-sockets.js";

const tier = findKeycloakInstall("postgres");
// KEYCLOAK_TIER=skip skips the tier even under CI, as idp-kinds.ts does for the browser suite.
const skipReason =
  process.env.KEYCLOAK_TIER === "skip" ? "KEYCLOAK_TIER=skip" : tier.available ? undefined : tier.reason;
const demo = readDemoRealm();
const alice = demo.users.find((u) => u.username === "alice") ?? { username: "alice", password: "" };

/** A JWT's header or payload, read without verifying (jose is not a dependency of this package). */
function jwtPart(token: string, part: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[part] ?? "", "base64url").toString("utf8"));
}
const decodeProtectedHeader = (token: string) => jwtPart(token, 0) as { kid?: string };
const decodeJwt = (token: string) => jwtPart(token, 1);

function describeNavigation(page: NavigationResult): string {
  return `${page.hops.map((h) => `${h.status} ${h.method} ${h.url.slice(0, 120)}`).join("\n")}\n${page.body.slice(0, 300)}`;
}

/** S3 refuses requests whose header section is over 8 KB (RequestHeaderSectionTooLarge). */
const S3_HEADER_SECTION_LIMIT = 8 * 1024;

if (skipReason && process.env.CI && process.env.KEYCLOAK_TIER !== "skip") {
  describe("real Keycloak tier", () => {
    it("is available under CI", () => {
      throw new Error(`the Keycloak tier cannot run: ${skipReason}`);
    });
  });
}

describe.skipIf(skipReason !== undefined)(
  `real Keycloak${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let keycloak: RunningKeycloak;
    let validate: ValidateServer;
    let site: CloudFrontEmulator;
    let siteUrl: string;
    let originDir: string;
    const jwksCache = new JwksCache();
    let jwksUri: string;
    /** Every request the edge function let through to the origin. */
    const forwarded: CloudFrontRequest[] = [];
    let sitePort: number;
    /** The site's edge config in lambda-edge mode (the fast path adds its mode and session keys). */
    let edgeConfig: Record<string, unknown>;

    /** The site in lambda-edge mode: the Lambda@Edge function on every request. */
    function startSite(): Promise<CloudFrontEmulator> {
      const edge = createHandler(edgeConfig, { logSink: () => {} });
      return startCloudFrontEmulator({
        port: sitePort,
        originDir,
        directoryIndex: true,
        handler: async (event: CloudFrontRequestEvent) => {
          const result = await edge(event);
          if (result && !("status" in result)) forwarded.push(result as CloudFrontRequest);
          return result;
        },
      });
    }

    beforeAll(async () => {
      sitePort = await freePort();
      siteUrl = `http://localhost:${sitePort}`;
      keycloak = await startKeycloak({
        port: await freePort(),
        managementPort: await freePort(),
        db: "postgres",
        realmOptions: { siteUrl, testClients: true },
        // As deployed (ispn cache, JDBC_PING through PostgreSQL), bound to 127.0.0.1, so the cluster
        // tests below can add a second node.
        cluster: true,
      });
      jwksUri = `${keycloak.issuer}/protocol/openid-connect/certs`;
      validate = await startValidateServer({
        issuer: keycloak.issuer,
        audience: keycloak.clientId,
        jwksUri,
        jwksCache,
      });
      originDir = mkdtempSync(join(tmpdir(), "static-sso-kc-site-"));
      mkdirSync(join(originDir, "staff"));
      writeFileSync(join(originDir, "index.html"), "<h1>home page</h1>");
      writeFileSync(join(originDir, "staff", "index.html"), "<h1>staff page</h1>");
      edgeConfig = {
        issuer: keycloak.issuer,
        clientId: keycloak.clientId,
        clientSecret: keycloak.clientSecret,
        validateUrl: validate.validateUrl,
        siteOrigin: siteUrl,
        requiredRoles: { "/staff/*": ["staff"] },
      };
      site = await startSite();
    }, 240_000);

    afterAll(async () => {
      await site?.stop();
      await validate?.close();
      await keycloak?.stop();
      if (originDir) rmSync(originDir, { recursive: true, force: true });
    }, 60_000);

    async function validateToken(token: string): Promise<{ status: number; body: Record<string, unknown> }> {
      const response = await fetch(validate.validateUrl, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }

    /** Logs in through Keycloak's real login form (authorization code + PKCE) and redeems the code. */
    async function loginForTokens(user: { username: string; password: string }) {
      const verifier = randomBytes(32).toString("base64url");
      const redirectUri = `${siteUrl}/_auth/callback`;
      const auth = new URL(`${keycloak.issuer}/protocol/openid-connect/auth`);
      auth.search = new URLSearchParams({
        client_id: keycloak.clientId,
        redirect_uri: redirectUri,
        response_type: "code",
        scope: "openid profile email",
        state: randomBytes(16).toString("base64url"),
        nonce: randomBytes(16).toString("base64url"),
        code_challenge: createHash("sha256").update(verifier).digest("base64url"),
        code_challenge_method: "S256",
      }).toString();
      const browser = createBrowserLikeClient(user);
      const landed = await browser.navigate(auth.href, { stopAt: (u) => u.href.startsWith(redirectUri) });
      const code = new URL(landed.url).searchParams.get("code");
      expect(code, `no code after login (${landed.status})`).toBeTruthy();
      const response = await fetch(`${keycloak.issuer}/protocol/openid-connect/token`, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code: code ?? "",
          redirect_uri: redirectUri,
          code_verifier: verifier,
          client_id: keycloak.clientId,
          client_secret: keycloak.clientSecret,
        }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { access_token: string; id_token: string; refresh_token: string };
    }

    async function refresh(refreshToken: string) {
      const response = await fetch(`${keycloak.issuer}/protocol/openid-connect/token`, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: refreshToken,
          client_id: keycloak.clientId,
          client_secret: keycloak.clientSecret,
        }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { access_token: string; refresh_token: string };
    }

    it("refuses to start on a port that is already taken, with port_in_use and without waiting", async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
      const port = (taken.address() as AddressInfo).port;

      const started = Date.now();
      const error = await startKeycloak({ port, managementPort: await freePort() }).catch((e: unknown) => e);

      taken.close();
      expect((error as KeycloakError).code).toBe("port_in_use");
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it("starts on a free port with the issuer http://localhost:<port>/realms/demo", async () => {
      const discovery = (await (
        await fetch(`${keycloak.issuer}/.well-known/openid-configuration`)
      ).json()) as {
        issuer: string;
        jwks_uri: string;
        code_challenge_methods_supported: string[];
      };

      expect(keycloak.issuer).toMatch(/^http:\/\/localhost:\d+\/realms\/demo$/);
      expect(keycloak.issuer).not.toBe("http://localhost:8080/realms/demo");
      expect(discovery.issuer).toBe(keycloak.issuer);
      expect(discovery.jwks_uri).toBe(jwksUri);
    });

    it("listens only on loopback, its cluster transport included: no JGroups ports on the LAN or all interfaces", () => {
      const sockets = listeningSockets(keycloak.pid);

      const httpPort = Number(new URL(keycloak.url).port);
      // The JVM listens on IPv6 sockets: 127.0.0.1 shows as ::ffff:127.0.0.1.
      expect(sockets.some((s) => s.port === httpPort && isLoopback(s.address))).toBe(true);
      expect(keycloak.cluster().physicalAddresses).toEqual([`127.0.0.1:${keycloak.clusterPort}`]);
      expect(sockets.some((s) => s.port === keycloak.clusterPort && isLoopback(s.address))).toBe(true);
      expect(sockets.filter((s) => !isLoopback(s.address))).toEqual([]);
    });

    it("names Keycloak's management port and KC_MANAGEMENT_PORT when that port is taken, not the IdP port", async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
      const busyPort = (taken.address() as AddressInfo).port;

      const error = await startStack({
        idp: "keycloak",
        sitePort: 0,
        apiPort: 0,
        idpPort: 0,
        keycloak: { managementPort: busyPort },
      }).catch((e: unknown) => e as KeycloakError);

      taken.close();
      expect((error as KeycloakError).code).toBe("port_in_use");
      expect((error as KeycloakError).message).toContain(
        `port ${busyPort} for Keycloak's management interface`,
      );
      expect((error as KeycloakError).message).toContain("KC_MANAGEMENT_PORT=<port>");
      expect((error as KeycloakError).message).not.toContain("IDP_PORT");
    });

    it("gives the site client access tokens with the client id in aud that the validation API accepts", async () => {
      const tokens = await loginForTokens(alice);

      const { status, body } = await validateToken(tokens.access_token);

      expect(status).toBe(200);
      const claims = body.claims as { aud: string | string[]; realm_access: { roles: string[] } };
      expect([claims.aud].flat()).toContain(keycloak.clientId);
      expect(claims.realm_access.roles).toContain("staff");
    });

    it("refuses an authorization request without PKCE", async () => {
      const auth = new URL(`${keycloak.issuer}/protocol/openid-connect/auth`);
      auth.search = new URLSearchParams({
        client_id: keycloak.clientId,
        redirect_uri: `${siteUrl}/_auth/callback`,
        response_type: "code",
        scope: "openid",
        state: "s",
      }).toString();

      const response = await fetch(auth, { redirect: "manual" });

      const location = new URL(response.headers.get("location") ?? "", auth);
      expect(location.searchParams.get("error")).toBe("invalid_request");
    });

    it("logs out without a confirmation page when a valid id_token_hint is sent", async () => {
      const tokens = await loginForTokens(alice);
      const logout = new URL(`${keycloak.issuer}/protocol/openid-connect/logout`);
      logout.search = new URLSearchParams({
        id_token_hint: tokens.id_token,
        post_logout_redirect_uri: `${siteUrl}/`,
      }).toString();

      const response = await fetch(logout, { redirect: "manual" });

      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(`${siteUrl}/`);
    });

    it("refuses an access token from a second client without the audience mapper with audience_invalid", async () => {
      const response = await fetch(`${keycloak.issuer}/protocol/openid-connect/token`, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "password",
          client_id: noAudienceClientId,
          client_secret: noAudienceClientSecret,
          username: alice.username,
          password: alice.password,
          scope: "openid",
        }),
      });
      const { access_token } = (await response.json()) as { access_token: string };

      const { status, body } = await validateToken(access_token);

      expect(status).toBe(401);
      expect(body.error).toBe("audience_invalid");
    });

    it("lets a user whose access token is over 4 KB log in, with nothing over S3's header limit reaching the origin", async () => {
      const roles = Array.from(
        { length: 90 },
        (_, i) => `department-${String(i).padStart(3, "0")}-reader-with-long-name`,
      );
      await keycloak.admin.request("POST", "/admin/realms/demo/partialImport", {
        ifResourceExists: "SKIP",
        roles: { realm: roles.map((name) => ({ name })) },
        users: [
          {
            username: "carol",
            enabled: true,
            email: "carol@example.com",
            emailVerified: true,
            firstName: "Carol",
            lastName: "Many-Roles",
            credentials: [{ type: "password", value: "carol-password", temporary: false }],
            realmRoles: ["default-roles-demo", "staff", ...roles],
          },
        ],
      });
      const browser = createBrowserLikeClient({ username: "carol", password: "carol-password" });
      forwarded.length = 0;

      const page = await browser.navigate(`${siteUrl}/staff/index.html`);

      expect(page.status, describeNavigation(page)).toBe(200);
      expect(page.body).toContain("staff page");
      const cookies = browser.cookies("localhost");
      const chunks = [...cookies.keys()].filter((name) => /^__Host-sso-at\.\d$/.test(name));
      expect(chunks.length).toBeGreaterThan(1);
      const token = chunks.map((name) => cookies.get(name)).join("");
      expect(token.length).toBeGreaterThan(4096);
      expect(decodeJwt(token).preferred_username).toBe("carol");
      expect(forwarded.length).toBeGreaterThan(0);
      for (const request of forwarded) {
        const headerBytes = Object.values(request.headers)
          .flat()
          .reduce((sum, h) => sum + (h.key ?? "").length + h.value.length + 4, 0);
        expect(headerBytes).toBeLessThan(S3_HEADER_SECTION_LIMIT);
        const cookieHeader = (request.headers.cookie ?? []).map((h) => h.value).join("; ");
        expect(cookieHeader).not.toContain("__Host-sso-");
      }
    });

    /**
     * Four tabs loading pages at once, each needing a refresh: every one must end on its page, with no
     * error page on the way and no password asked for again.
     */
    async function fourTabsAtOnce(browser: ReturnType<typeof createBrowserLikeClient>, maxHops: number) {
      const pages = await Promise.all(
        ["/staff/index.html", "/index.html", "/staff/index.html", "/index.html"].map((path) =>
          browser.navigate(`${siteUrl}${path}`, { maxHops }),
        ),
      );
      for (const page of pages) {
        expect(page.status, describeNavigation(page)).toBe(200);
        expect(page.body).toMatch(/staff page|home page/);
        expect(page.hops.every((h) => h.status < 400)).toBe(true);
        expect(page.hops.some((h) => h.method === "POST")).toBe(false);
      }
      return pages;
    }

    it("with refresh-token rotation, parallel requests that all need a refresh end on the page without an error page or a loop", async () => {
      await keycloak.admin.request("PUT", "/admin/realms/demo", {
        revokeRefreshToken: true,
        refreshTokenMaxReuse: 0,
      });
      const browser = createBrowserLikeClient(alice);
      const first = await browser.navigate(`${siteUrl}/staff/index.html`);
      expect(first.status, describeNavigation(first)).toBe(200);
      // The access token's cookie is gone (as when it expires); only the refresh token is left.
      const cookies = browser.cookies("localhost");
      for (const name of [...cookies.keys()]) if (name.startsWith("__Host-sso-at")) cookies.delete(name);

      const pages = await fourTabsAtOnce(browser, 8);
      // The requests that lost the race went once through Keycloak, whose session cookie answered at once.
      expect(pages.some((p) => p.hops.some((h) => h.url.includes("/protocol/openid-connect/auth")))).toBe(
        true,
      );
      const after = await browser.navigate(`${siteUrl}/staff/index.html`);
      expect(after.status).toBe(200);
      expect(after.hops).toHaveLength(1);
    });

    // The fast path as deployed: the CloudFront Function built from the site's rules (session-check, as
    // uploaded) answers every page view, the Lambda@Edge function (mode cloudfront-function) only
    // `/_auth/*`. The site is restarted on its own port (the realm's redirect URIs name it) for these tests.
    describe("the fast path: a CloudFront Function on the site's behaviours, Lambda@Edge on /_auth/*", () => {
      let viewerFunction: PreparedViewerFunction | undefined;
      /** The URI of every request that reached the Lambda@Edge function. */
      const lambdaUris: string[] = [];
      const requests: RequestLogLine[] = [];
      const functionLogs: Array<{ reason?: string; uri?: string }> = [];

      beforeAll(async () => {
        const fastConfig = {
          ...edgeConfig,
          mode: "cloudfront-function",
          sessionKeys: { current: newSessionKeyValue() },
        };
        viewerFunction = await prepareViewerFunction(fastConfig, (line) =>
          functionLogs.push(JSON.parse(line)),
        );
        const lambda = createHandler(fastConfig, { logSink: () => {} });
        await site.stop();
        site = await startCloudFrontEmulator({
          port: sitePort,
          originDir,
          directoryIndex: true,
          viewerFunction: viewerFunction.viewerFunction,
          handler: (event: CloudFrontRequestEvent) => {
            lambdaUris.push(event.Records[0]?.cf.request.uri ?? "");
            return lambda(event);
          },
          onRequest: (line) => requests.push(line),
        });
      });

      afterAll(async () => {
        await site.stop();
        viewerFunction?.dispose();
        site = await startSite();
      });

      it("with refresh-token rotation: tabs whose session cookies expired together all end on their page, the losers of the refresh race through Keycloak's session, never on an error page", async () => {
        await keycloak.admin.request("PUT", "/admin/realms/demo", {
          revokeRefreshToken: true,
          refreshTokenMaxReuse: 0,
          accessTokenLifespan: 5,
        });
        try {
          const browser = createBrowserLikeClient(alice);
          const first = await browser.navigate(`${siteUrl}/staff/index.html`);
          expect(first.status, describeNavigation(first)).toBe(200);
          expect(browser.cookies("localhost").has("__Host-sso-session")).toBe(true);
          // The session cookie holds the access token's 5 s: let it expire, refresh token still good.
          await new Promise((r) => setTimeout(r, 6000));
          requests.length = 0;
          lambdaUris.length = 0;
          functionLogs.length = 0;

          const pages = await fourTabsAtOnce(browser, 10);

          // Every tab went to /_auth/refresh; with rotation only one grant can win.
          expect(pages.every((p) => p.hops.some((h) => h.url.includes("/_auth/refresh")))).toBe(true);
          // Each tab's expired session was sent to /_auth/refresh by the function, not the Lambda.
          expect(functionLogs.filter((l) => l.reason === "token_expired")).toHaveLength(4);
          // Every page view was the function's (its redirect, or the page from the origin after it); the
          // Lambda saw only /_auth/*.
          const pageViews = requests.filter((r) => !r.uri.startsWith("/_auth/"));
          expect(pageViews.length).toBeGreaterThanOrEqual(8);
          for (const view of pageViews) expect(view).toMatchObject({ runtime: "cloudfront-function" });
          expect(pageViews.filter((v) => v.source === "origin" && v.status === 200)).toHaveLength(4);
          expect(lambdaUris.length).toBeGreaterThanOrEqual(4);
          expect(lambdaUris.every((uri) => uri.startsWith("/_auth/"))).toBe(true);
          expect(requests.filter((r) => r.uri.startsWith("/_auth/")).map((r) => r.runtime)).toEqual(
            lambdaUris.map(() => "lambda-edge"),
          );
        } finally {
          await keycloak.admin.request("PUT", "/admin/realms/demo", { accessTokenLifespan: 300 });
        }
      }, 60_000);
    });

    // What users get with more than one ECS task: two nodes on one PostgreSQL behind one hostname (node B is
    // started with node A's, as a load balancer would give both), so a browser may reach either. Keycloak 26
    // keeps user sessions in the database too, so a session made on A is found by B even without a cluster;
    // the cluster view, a code redeemed on the other node and a logout seen by the other node need one (they
    // fail with --cache=local on both nodes).
    describe("a second node on the same PostgreSQL", () => {
      let nodeB: KeycloakNode;
      const realmPath = () => new URL(keycloak.issuer).pathname;
      const redirectUri = () => `${siteUrl}/_auth/callback`;

      beforeAll(async () => {
        nodeB = await keycloak.startNode();
      }, 180_000);

      afterAll(() => nodeB?.stop(), 60_000);

      /** An authorization request (code + PKCE) to one node, followed as a browser would, up to the callback. */
      async function authorize(browser: BrowserLikeClient, nodeUrl: string) {
        const verifier = randomBytes(32).toString("base64url");
        const auth = new URL(`${nodeUrl}${realmPath()}/protocol/openid-connect/auth`);
        auth.search = new URLSearchParams({
          client_id: keycloak.clientId,
          redirect_uri: redirectUri(),
          response_type: "code",
          scope: "openid",
          state: randomBytes(16).toString("base64url"),
          code_challenge: createHash("sha256").update(verifier).digest("base64url"),
          code_challenge_method: "S256",
        }).toString();
        const page = await browser.navigate(auth.href, { stopAt: (u) => u.href.startsWith(redirectUri()) });
        return { page, code: new URL(page.url).searchParams.get("code"), verifier };
      }

      async function tokenRequest(nodeUrl: string, grant: Record<string, string>) {
        const response = await fetch(`${nodeUrl}${realmPath()}/protocol/openid-connect/token`, {
          method: "POST",
          body: new URLSearchParams({
            ...grant,
            client_id: keycloak.clientId,
            client_secret: keycloak.clientSecret,
          }),
        });
        return {
          status: response.status,
          body: (await response.json()) as {
            access_token?: string;
            id_token?: string;
            refresh_token?: string;
            error?: string;
          },
        };
      }

      const redeem = (nodeUrl: string, code: string | null, verifier: string) =>
        tokenRequest(nodeUrl, {
          grant_type: "authorization_code",
          code: code ?? "",
          redirect_uri: redirectUri(),
          code_verifier: verifier,
        });

      /** Logs in with the login form on node A and redeems the code there. */
      async function loginOnA(browser: BrowserLikeClient) {
        const { code, verifier } = await authorize(browser, keycloak.url);
        const { status, body } = await redeem(keycloak.url, code, verifier);
        expect(status).toBe(200);
        return body;
      }

      it("joins node A's cluster: each node's latest view holds both", () => {
        const a = keycloak.cluster();
        const b = nodeB.cluster();

        expect(a.address).toBeTruthy();
        expect(b.address).toBeTruthy();
        expect(a.address).not.toBe(b.address);
        expect([...a.members].sort()).toEqual([a.address, b.address].sort());
        expect([...b.members].sort()).toEqual([a.address, b.address].sort());
      });

      it("honours a login made on node A: B's authorization endpoint answers with a code for that session, without the login form", async () => {
        const browser = createBrowserLikeClient(alice);
        const fromA = await loginOnA(browser);

        const { page, code, verifier } = await authorize(browser, nodeB.url);

        expect(code, describeNavigation(page)).toBeTruthy();
        expect(page.hops.map((h) => `${h.method} ${new URL(h.url).origin}`)).toEqual([`GET ${nodeB.url}`]);
        const { status, body } = await redeem(nodeB.url, code, verifier);
        expect(status).toBe(200);
        expect(decodeJwt(body.id_token ?? "").sid).toBe(decodeJwt(fromA.id_token ?? "").sid);
      });

      it("redeems at node A a code node B issued (codes are kept in the cluster's memory, not in the database)", async () => {
        const browser = createBrowserLikeClient(alice);
        await loginOnA(browser);
        const { code, verifier } = await authorize(browser, nodeB.url);

        const { status, body } = await redeem(keycloak.url, code, verifier);

        expect(status, body.error).toBe(200);
        expect(decodeJwt(body.access_token ?? "").preferred_username).toBe(alice.username);
      });

      it("accepts at node B's token endpoint a refresh token node A issued", async () => {
        const fromA = await loginOnA(createBrowserLikeClient(alice));

        const { status, body } = await tokenRequest(nodeB.url, {
          grant_type: "refresh_token",
          refresh_token: fromA.refresh_token ?? "",
        });

        expect(status, body.error).toBe(200);
        expect(decodeJwt(body.access_token ?? "").sid).toBe(decodeJwt(fromA.access_token ?? "").sid);
      });

      it("ends the session on node A too when the user logs out on node B: A refuses A's own refresh token", async () => {
        const fromA = await loginOnA(createBrowserLikeClient(alice));
        const logout = new URL(`${nodeB.url}${realmPath()}/protocol/openid-connect/logout`);
        logout.search = new URLSearchParams({
          id_token_hint: fromA.id_token ?? "",
          post_logout_redirect_uri: `${siteUrl}/`,
        }).toString();
        expect((await fetch(logout, { redirect: "manual" })).status).toBe(302);

        const { status, body } = await tokenRequest(keycloak.url, {
          grant_type: "refresh_token",
          refresh_token: fromA.refresh_token ?? "",
        });

        expect(status).toBe(400);
        expect(body.error).toBe("invalid_grant");
      });

      it("listens only on loopback too, its HTTP, management and cluster ports included", () => {
        const sockets = listeningSockets(nodeB.pid);

        expect(nodeB.cluster().physicalAddresses).toEqual([`127.0.0.1:${nodeB.clusterPort}`]);
        const ports = [nodeB.url, nodeB.managementUrl].map((u) => Number(new URL(u).port));
        for (const port of [...ports, nodeB.clusterPort]) {
          expect(
            sockets.some((s) => s.port === port && isLoopback(s.address)),
            `port ${port}`,
          ).toBe(true);
        }
        expect(sockets.filter((s) => !isLoopback(s.address))).toEqual([]);
      });
    });

    // Last before stop(): once the key is rotated, the site's validation API may refuse tokens from the new
    // key until its own cool-down has passed (the window these tests show), so the tests that log in
    // through the site come first.
    describe("key rotation through the admin REST API while a user is logged in", () => {
      // A validation API of its own, whose key cache starts empty and whose clock the tests can move: its
      // cool-down between two key-set fetches caused by an unknown kid (30 s from its last fetch) is
      // stepped over by moving that clock, not waited out.
      let rotationApi: ValidateServer;
      const rotationCache = new JwksCache();
      let clockOffsetMs = 0;
      let lastFetchAt = 0;
      let oldToken: string;
      let newToken: string;
      let fetchesBefore: number;

      async function validateAtRotationApi(token: string) {
        const response = await fetch(rotationApi.validateUrl, {
          method: "POST",
          headers: { authorization: `Bearer ${token}` },
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      }

      beforeAll(async () => {
        rotationApi = await startValidateServer({
          issuer: keycloak.issuer,
          audience: keycloak.clientId,
          jwksUri,
          jwksCache: rotationCache,
          clock: () => Date.now() + clockOffsetMs,
        });
        const session = await loginForTokens(alice);
        oldToken = session.access_token;
        expect((await validateAtRotationApi(oldToken)).status).toBe(200);
        lastFetchAt = Date.now();
        fetchesBefore = rotationCache.fetchCount(jwksUri);

        const admin = keycloak.admin;
        const realm = await admin.request<{ id: string }>("GET", "/admin/realms/demo");
        const keys = await admin.request<{
          keys: Array<{ kid: string; providerId: string; algorithm: string }>;
        }>("GET", "/admin/realms/demo/keys");
        const oldKid = decodeProtectedHeader(oldToken).kid;
        const oldProvider = keys.keys.find((k) => k.kid === oldKid)?.providerId;
        expect(oldProvider).toBeTruthy();
        await admin.request("POST", "/admin/realms/demo/components", {
          name: "rsa-rotated",
          providerId: "rsa-generated",
          providerType: "org.keycloak.keys.KeyProvider",
          parentId: realm.id,
          config: {
            priority: ["200"],
            enabled: ["true"],
            active: ["true"],
            algorithm: ["RS256"],
            keySize: ["2048"],
          },
        });
        const component = await admin.request<{ config: Record<string, string[]> }>(
          "GET",
          `/admin/realms/demo/components/${oldProvider}`,
        );
        await admin.request("PUT", `/admin/realms/demo/components/${oldProvider}`, {
          ...component,
          config: { ...component.config, enabled: ["false"], active: ["false"] },
        });

        // The logged-in user's next refresh is signed with the new key.
        newToken = (await refresh(session.refresh_token)).access_token;
      }, 60_000);

      afterAll(() => rotationApi?.close());

      it("for up to 30 s after the validation API's last key-set fetch, a token from the brand-new key is refused with key_not_found (the window the README names)", async () => {
        expect(decodeProtectedHeader(newToken).kid).not.toBe(decodeProtectedHeader(oldToken).kid);
        // The premise: the rotation took less than the cool-down.
        expect(Date.now() - lastFetchAt).toBeLessThan(30_000);

        const { status, body } = await validateAtRotationApi(newToken);

        expect(status).toBe(401);
        expect(body.error).toBe("key_not_found");
        expect(rotationCache.fetchCount(jwksUri)).toBe(fetchesBefore);
      });

      it("once the cool-down has passed (the API's clock moved 31 s ahead, not waited for), new tokens validate after one JWKS refetch", async () => {
        clockOffsetMs = 31_000;

        const { status } = await validateAtRotationApi(newToken);

        expect(status).toBe(200);
        expect(rotationCache.fetchCount(jwksUri)).toBe(fetchesBefore + 1);
      });

      it("tokens signed with the removed key are refused", async () => {
        const { status, body } = await validateAtRotationApi(oldToken);

        expect(status).toBe(401);
        expect(body.error).toBe("key_not_found");
      });
    });

    it("stop() ends Keycloak and PostgreSQL with nothing left running", async () => {
      const pid = keycloak.pid;
      const postgresPort = keycloak.postgresPort;

      await keycloak.stop();

      expect(() => process.kill(-pid, 0)).toThrow();
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect(postgresPort ?? 0, "127.0.0.1");
        socket.once("connect", () => {
          socket.destroy();
          resolve(false);
        });
        socket.once("error", () => resolve(true));
      });
      expect(refused).toBe(true);
    });
  },
);
