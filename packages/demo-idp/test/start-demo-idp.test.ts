import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_REALM_FILE, type DemoIdp, loadRealm, startDemoIdp } from "../src/index.js";
import {
  basicAuth,
  CookieJar,
  followUntil,
  formAction,
  pkcePair,
  send,
  tokenRequest,
} from "./http-client.js";

const realm = loadRealm(DEFAULT_REALM_FILE);
const alice = realm.users.find((u) => u.roles.includes("staff"));
const bob = realm.users.find((u) => !u.roles.includes("staff"));
const SITE = "http://localhost:3999";
const CALLBACK = `${SITE}/_auth/callback`;

let idp: DemoIdp;

beforeAll(async () => {
  idp = await startDemoIdp({ port: 0, redirectUris: [CALLBACK], postLogoutRedirectUris: [`${SITE}/`] });
});
afterAll(() => idp?.stop());

interface Tokens {
  access_token: string;
  id_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: string;
}

async function authorize(jar: CookieJar, challenge: string, nonce = "n-0S6_WzA2Mj") {
  const auth = new URL(`${idp.issuer}/protocol/openid-connect/auth`);
  auth.search = new URLSearchParams({
    client_id: idp.clientId,
    response_type: "code",
    scope: "openid profile email",
    redirect_uri: CALLBACK,
    state: "af0ifjsldkj",
    nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  const first = await send(jar, auth.href);
  const loginUrl = new URL(first.headers.get("location") ?? "", idp.url);
  const page = await send(jar, loginUrl.href);
  return { loginUrl, page };
}

async function login(username: string, password: string, jar = new CookieJar()) {
  const { verifier, challenge } = pkcePair();
  const { loginUrl, page } = await authorize(jar, challenge);
  const html = await page.text();
  const posted = await send(jar, new URL(formAction(html), loginUrl).href, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password }).toString(),
  });
  const callback = await followUntil(jar, posted, idp.url, CALLBACK);
  const code = callback.searchParams.get("code") ?? "";
  const res = await tokenRequest(idp, {
    grant_type: "authorization_code",
    code,
    redirect_uri: CALLBACK,
    code_verifier: verifier,
  });
  expect(res.status).toBe(200);
  return { jar, callback, tokens: (await res.json()) as Tokens };
}

/** RP-initiated logout with an id_token_hint, followed back to the site. */
async function logout(jar: CookieJar, idToken: string) {
  const url = new URL(`${idp.issuer}/protocol/openid-connect/logout`);
  url.search = new URLSearchParams({
    id_token_hint: idToken,
    post_logout_redirect_uri: `${SITE}/`,
  }).toString();
  await followUntil(jar, await send(jar, url.href), idp.url, SITE);
}

describe("the embedded IdP", () => {
  it("publishes a discovery document with Keycloak's endpoint paths", async () => {
    const res = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    const doc = (await res.json()) as Record<string, unknown>;
    const base = `${idp.issuer}/protocol/openid-connect`;
    expect(idp.issuer).toMatch(/^http:\/\/localhost:\d+\/realms\/demo$/);
    expect(doc).toMatchObject({
      issuer: idp.issuer,
      authorization_endpoint: `${base}/auth`,
      token_endpoint: `${base}/token`,
      jwks_uri: `${base}/certs`,
      end_session_endpoint: `${base}/logout`,
      userinfo_endpoint: `${base}/userinfo`,
      code_challenge_methods_supported: ["S256"],
    });
  });

  it("serves an RS256 signing key at /certs", async () => {
    const res = await fetch(`${idp.issuer}/protocol/openid-connect/certs`);
    const { keys } = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(keys[0]).not.toHaveProperty("d");
  });

  it("shows a login form with username and password inputs and one submit button", async () => {
    const { page } = await authorize(new CookieJar(), pkcePair().challenge);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toMatch(/<input[^>]*name="username"/);
    expect(html).toMatch(
      /<input[^>]*name="password"[^>]*type="password"|type="password"[^>]*name="password"/,
    );
    expect(html.match(/type="submit"/g)).toHaveLength(1);
  });

  it("refuses a wrong password and shows the form again", async () => {
    const jar = new CookieJar();
    const { loginUrl, page } = await authorize(jar, pkcePair().challenge);
    const res = await send(jar, new URL(formAction(await page.text()), loginUrl).href, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: alice?.username ?? "", password: "wrong" }).toString(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("location")).toBeNull();
    expect(await res.text()).toContain("Invalid username or password.");
  });

  it("requires PKCE on the authorization request", async () => {
    const auth = new URL(`${idp.issuer}/protocol/openid-connect/auth`);
    auth.search = new URLSearchParams({
      client_id: idp.clientId,
      response_type: "code",
      scope: "openid",
      redirect_uri: CALLBACK,
      state: "s",
    }).toString();
    const res = await fetch(auth, { redirect: "manual" });
    const to = new URL(res.headers.get("location") ?? "", idp.url);
    expect(to.href.startsWith(CALLBACK)).toBe(true);
    expect(to.searchParams.get("error")).toBe("invalid_request");
  });

  it("gives a code flow with PKCE a JWT access token with Keycloak's claims that verifies against /certs", async () => {
    const { tokens, callback } = await login(alice?.username ?? "", alice?.password ?? "");
    expect(callback.searchParams.get("state")).toBe("af0ifjsldkj");
    expect(tokens.token_type).toBe("Bearer");
    const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/protocol/openid-connect/certs`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: idp.issuer,
      audience: idp.clientId,
      algorithms: ["RS256"],
    });
    expect(protectedHeader.typ).toBe("JWT");
    expect(payload).toMatchObject({
      typ: "Bearer",
      azp: idp.clientId,
      preferred_username: "alice",
      email: alice?.email,
      realm_access: { roles: expect.arrayContaining(["staff"]) },
    });
    expect(typeof payload.sid).toBe("string");
    expect(typeof payload.sub).toBe("string");
    expect(payload.exp).toBe((payload.iat ?? 0) + 300);
  });

  it("gives an ID token with the nonce, preferred_username and email", async () => {
    const { tokens } = await login(bob?.username ?? "", bob?.password ?? "");
    const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/protocol/openid-connect/certs`));
    const { payload } = await jwtVerify(tokens.id_token, jwks, {
      issuer: idp.issuer,
      audience: idp.clientId,
    });
    expect(payload).toMatchObject({ nonce: "n-0S6_WzA2Mj", preferred_username: "bob", email: bob?.email });
    expect(decodeJwt(tokens.access_token).realm_access).toEqual({ roles: ["default-roles-demo"] });
  });

  it("gives an ID token with Keycloak's typ ID, azp and the sid its access token carries", async () => {
    const { tokens } = await login(alice?.username ?? "", alice?.password ?? "");

    const id = decodeJwt(tokens.id_token);
    const access = decodeJwt(tokens.access_token);

    expect(id).toMatchObject({ typ: "ID", azp: idp.clientId, aud: idp.clientId });
    expect(typeof id.sid).toBe("string");
    expect(id.sid).toBe(access.sid);
  });

  it("answers userinfo for an access token from a real login with the profile and email claims", async () => {
    const { tokens } = await login(alice?.username ?? "", alice?.password ?? "");

    const res = await fetch(`${idp.issuer}/protocol/openid-connect/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      sub: decodeJwt(tokens.access_token).sub,
      preferred_username: "alice",
      email: alice?.email,
      email_verified: true,
      name: [alice?.firstName, alice?.lastName].filter(Boolean).join(" ") || "alice",
      ...(alice?.firstName ? { given_name: alice.firstName } : {}),
      ...(alice?.lastName ? { family_name: alice.lastName } : {}),
    });
  });

  it("answers userinfo for the access token sent as a form parameter too", async () => {
    const { tokens } = await login(bob?.username ?? "", bob?.password ?? "");

    const res = await fetch(`${idp.issuer}/protocol/openid-connect/userinfo`, {
      method: "POST",
      body: new URLSearchParams({ access_token: tokens.access_token }),
    });

    expect(res.status).toBe(200);
    expect(((await res.json()) as { preferred_username: string }).preferred_username).toBe("bob");
  });

  it("refuses userinfo without a token, with an altered token and with an ID token", async () => {
    const { tokens } = await login(bob?.username ?? "", bob?.password ?? "");
    const [h, p, sig] = tokens.access_token.split(".");
    const payload = { ...decodeJwt(tokens.access_token), preferred_username: "alice" };
    const altered = `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${sig}`;
    const userinfo = (token?: string) =>
      fetch(`${idp.issuer}/protocol/openid-connect/userinfo`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });

    const none = await userinfo();
    const bad = await userinfo(altered);
    const idToken = await userinfo(tokens.id_token);

    expect(p).toBeTruthy();
    expect(none.status).toBe(401);
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toMatch(/^Bearer realm="demo", error="invalid_token"/);
    expect(((await bad.json()) as { error: string }).error).toBe("invalid_token");
    expect(idToken.status).toBe(401);
  });

  it("refuses userinfo for an access token whose session has logged out, as Keycloak does", async () => {
    const { tokens, jar } = await login(alice?.username ?? "", alice?.password ?? "");
    await logout(jar, tokens.id_token);

    const res = await fetch(`${idp.issuer}/protocol/openid-connect/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });

    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_token");
  });

  it("accepts client_secret_post as well as client_secret_basic", async () => {
    const { tokens } = await login(bob?.username ?? "", bob?.password ?? "");
    const res = await tokenRequest(
      idp,
      { grant_type: "refresh_token", refresh_token: tokens.refresh_token },
      "post",
    );
    expect(res.status).toBe(200);
  });

  it("issues a refresh token with the code that gives a new access token", async () => {
    const { tokens } = await login(alice?.username ?? "", alice?.password ?? "");
    expect(tokens.refresh_token).toBeTruthy();
    const res = await tokenRequest(idp, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    const refreshed = (await res.json()) as Tokens;
    expect(res.status).toBe(200);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({
      preferred_username: "alice",
      aud: idp.clientId,
      realm_access: { roles: expect.arrayContaining(["staff"]) },
    });
  });

  it("logs out with an id_token_hint straight to the post-logout redirect URI, with no confirmation page", async () => {
    const { tokens, jar } = await login(alice?.username ?? "", alice?.password ?? "");
    const logout = new URL(`${idp.issuer}/protocol/openid-connect/logout`);
    logout.search = new URLSearchParams({
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: `${SITE}/`,
      client_id: idp.clientId,
      state: "bye",
    }).toString();
    let res = await send(jar, logout.href);
    const hops: number[] = [];
    while (res.status >= 300 && res.status < 400) {
      hops.push(res.status);
      const next = new URL(res.headers.get("location") ?? "", idp.url);
      if (next.href.startsWith(SITE)) {
        expect(next.href).toBe(`${SITE}/?state=bye`);
        break;
      }
      res = await send(jar, next.href);
    }
    expect(res.status).toBeGreaterThanOrEqual(300);
    expect(res.status).toBeLessThan(400);
    // The IdP session is gone: a new authorization request shows the login form again.
    const again = await authorize(jar, pkcePair().challenge);
    expect(await again.page.text()).toContain('name="password"');
  });

  it("revokes the refresh token at logout", async () => {
    const { tokens, jar } = await login(bob?.username ?? "", bob?.password ?? "");
    await logout(jar, tokens.id_token);
    const res = await tokenRequest(idp, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_grant");
  });
});

describe("the embedded IdP with a data folder", () => {
  it("keeps its signing key across a restart, so tokens issued before still verify", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "demo-idp-"));
    const first = await startDemoIdp({ port: 0, dataDir });
    const before = await (await fetch(`${first.issuer}/protocol/openid-connect/certs`)).json();
    await first.stop();
    const second = await startDemoIdp({ port: 0, dataDir });
    const after = await (await fetch(`${second.issuer}/protocol/openid-connect/certs`)).json();
    await second.stop();
    await rm(dataDir, { recursive: true, force: true });
    expect(after).toEqual(before);
  });

  it("keeps refresh tokens across a restart on the same port", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "demo-idp-"));
    const first = await startDemoIdp({ port: 0, dataDir, redirectUris: [CALLBACK] });
    const port = Number(new URL(first.url).port);
    const saved = idp;
    idp = first;
    try {
      const { tokens } = await login(alice?.username ?? "", alice?.password ?? "");
      await first.stop();
      idp = await startDemoIdp({ port, dataDir, redirectUris: [CALLBACK] });
      // A new connection: the client's pooled one went with the old server.
      const body = new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refresh_token });
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          `${idp.issuer}/protocol/openid-connect/token`,
          {
            method: "POST",
            agent: false,
            headers: { authorization: basicAuth(idp), "content-type": "application/x-www-form-urlencoded" },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end(body.toString());
      });
      expect(status).toBe(200);
      await idp.stop();
    } finally {
      idp = saved;
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
