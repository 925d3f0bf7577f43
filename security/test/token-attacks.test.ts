// Hostile tokens, each tried against the validation API (over HTTP on loopback) and against the edge
// handler (as the session cookie, with the real validation API behind it), then, in both edge modes, as
// what the IdP's token endpoint returns at the callback and at refresh; and hostile session cookies
// against the fast path's CloudFront Function (the shipped build) and Lambda@Edge in fast mode. A
// reviewer reads this file as the list of attacks and the answer each one gets.
import type { CloudFrontFunction } from "@static-sso/stack";
import { createTestKey, signToken, type TestKey } from "@static-sso/testing";
import type { CloudFrontRequestResult } from "aws-lambda";
import { CompactSign } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTokenIssuer, type TokenIssuer } from "../src/fast-issuer.js";
import { COOKIE_ATTACKS, type CookieKeys, genuine, type Refusal } from "../src/fast-session-cookies.js";
import {
  MODES,
  type ModeSite,
  newSessionKey,
  type RequestKind,
  runEdge,
  runFunction,
  SESSION_COOKIE,
  sessionCookiesSet,
  startModeSite,
  type Viewer,
  verdictOf,
} from "../src/fast-target.js";
import {
  encryptFor,
  forge,
  hmacWithPublicKey,
  segment,
  signRaw,
  signText,
  split,
  withDuplicateKey,
} from "../src/forge-token.js";
import { type MisbehavingServer, startMisbehavingServer } from "../src/misbehaving-server.js";
import { CLIENT_ID, generated, header, startTokenTarget, type TokenTarget } from "../src/token-target.js";

/** The issuer's token endpoint answers what a test chooses (fast-issuer.ts); the rest is as before. */
let t: TokenTarget<TokenIssuer>;
let attacker: TestKey;
/** Where an attacker points jku/x5u: serves the attacker's key set and counts every request. */
let counter: MisbehavingServer;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  t = await startTokenTarget({ issuer: (key) => startTokenIssuer(key, CLIENT_ID) });
  attacker = await createTestKey("RS256", "attacker-key");
  counter = await startMisbehavingServer((_req, res) =>
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ keys: [attacker.publicJwk] })),
  );
});
afterAll(async () => {
  await t?.close();
  await counter?.close();
});

interface Attack {
  name: string;
  code: string;
  status?: number;
  token: () => Promise<string> | string;
}

/** A good token's header with something changed, re-encoded; the signature stays the original one. */
async function withHeaderText(edit: (text: string) => string): Promise<string> {
  const good = await t.sign();
  const parts = split(good);
  return `${segment(edit(parts.header))}.${good.split(".")[1]}.${parts.signature}`;
}
async function withPayloadText(edit: (text: string) => string): Promise<string> {
  const good = await t.sign();
  const parts = split(good);
  return `${good.split(".")[0]}.${segment(edit(parts.payload))}.${parts.signature}`;
}
const exp = () => ({ iat: now(), exp: now() + 300 });

const ATTACKS: Attack[] = [
  {
    name: "alg none",
    code: "algorithm_not_allowed",
    token: () => forge({ alg: "none", typ: "JWT" }, { ...t.claims(), ...exp() }),
  },
  {
    name: "alg None in another case",
    code: "algorithm_not_allowed",
    token: () => forge({ alg: "nOnE" }, { ...t.claims(), ...exp() }),
  },
  {
    name: "HS256 signed with the RSA public key as the HMAC secret",
    code: "algorithm_not_allowed",
    token: () => hmacWithPublicKey(t.key, { kid: t.key.kid, typ: "JWT" }, { ...t.claims(), ...exp() }),
  },
  {
    name: "a signature stripped (empty third part)",
    code: "signature_invalid",
    token: async () => `${(await t.sign()).split(".").slice(0, 2).join(".")}.`,
  },
  {
    name: "a signature stripped (two parts only)",
    code: "token_malformed",
    token: async () => (await t.sign()).split(".").slice(0, 2).join("."),
  },
  {
    name: "a header altered after signing (typ changed)",
    code: "signature_invalid",
    token: () => withHeaderText((h) => h.replace('"typ":"JWT"', '"typ":"at+jwt"')),
  },
  {
    name: "a payload altered after signing (sub changed)",
    code: "signature_invalid",
    token: () => withPayloadText((p) => p.replace('"sub":"alice-id"', '"sub":"admin-id"')),
  },
  {
    name: "a signature of another token (payload swapped)",
    code: "signature_invalid",
    token: async () => {
      const [h, , s] = (await t.sign()).split(".");
      const other = (await t.sign({ sub: "mallory-id" })).split(".")[1];
      return `${h}.${other}.${s}`;
    },
  },
  {
    name: "a kid pointing nowhere (signed with an unpublished key)",
    code: "key_not_found",
    token: () => signToken(attacker, t.claims()),
  },
  {
    name: "a kid with path traversal",
    code: "key_not_found",
    token: () => signToken(attacker, t.claims(), { header: { kid: "../../../../../../etc/passwd" } }),
  },
  {
    name: "a kid with SQL injection text",
    code: "key_not_found",
    token: () => signToken(attacker, t.claims(), { header: { kid: "x' OR '1'='1'; DROP TABLE keys; --" } }),
  },
  {
    name: "a kid that is not a string",
    code: "token_malformed",
    token: () => signToken(attacker, t.claims(), { header: { kid: { $ne: null } as never } }),
  },
  {
    name: "an embedded jwk header with the attacker's key and the real kid",
    code: "signature_invalid",
    token: () => signToken(attacker, t.claims(), { header: { kid: t.key.kid, jwk: attacker.publicJwk } }),
  },
  {
    name: "crit with an unknown extension",
    code: "token_malformed",
    token: () =>
      signRaw(t.key, { crit: ["urn:evil:ext"], "urn:evil:ext": true }, { ...t.claims(), ...exp() }),
  },
  {
    name: "a JWE (compact, 5 parts) wrapping a valid signed token",
    code: "algorithm_not_allowed",
    token: async () => encryptFor(t.key.publicJwk, await t.sign()),
  },
  {
    name: "a 5-part token whose header claims an allowed alg",
    code: "token_malformed",
    token: async () => `${segment({ alg: "RS256", kid: t.key.kid, enc: "A256GCM" })}.a.b.c.d`,
  },
  {
    name: "a nested JWT (a signed token as the payload of a signed token)",
    code: "token_malformed",
    token: async () => {
      const inner = await t.sign();
      return new CompactSign(new TextEncoder().encode(inner))
        .setProtectedHeader({ alg: "RS256", kid: t.key.kid, cty: "JWT" })
        .sign(t.key.privateKey);
    },
  },
  {
    name: "a wrong iss",
    code: "issuer_invalid",
    token: () => t.sign({ iss: "http://127.0.0.1:1/realms/evil" }),
  },
  {
    name: "an iss differing only by a trailing slash",
    code: "issuer_invalid",
    token: () => t.sign({ iss: `${t.issuer.issuer}/` }),
  },
  { name: "a wrong aud", code: "audience_invalid", token: () => t.sign({ aud: "another-client" }) },
  { name: "a missing aud", code: "audience_invalid", token: () => t.sign({ aud: undefined }) },
  {
    name: "exp in the past (beyond the clock tolerance)",
    code: "token_expired",
    token: () => t.sign({ iat: now() - 600, exp: now() - 120 }),
  },
  { name: "a missing exp", code: "claim_invalid", token: () => t.sign({ exp: undefined }) },
  { name: "nbf in the future", code: "token_not_yet_valid", token: () => t.sign({ nbf: now() + 3600 }) },
  {
    name: "iat far in the future",
    code: "token_not_yet_valid",
    token: () => t.sign({ iat: now() + 86_400, exp: now() + 86_700 }),
  },
  {
    name: "an oversized token (64 KiB of claims)",
    code: "token_malformed",
    token: () => t.sign({ pad: "x".repeat(64 * 1024) }),
  },
  { name: "non-base64 garbage", code: "token_malformed", token: () => "!!!.@@@.###" },
  { name: "a token of one word", code: "token_malformed", token: () => "garbage" },
];

/** The edge's answer to a refused session: login for a page load, 401 JSON for fetch, never the origin. */
async function expectEdgeRefuses(token: string) {
  const page = generated(await t.askEdge(token, "navigation"));
  expect(page?.status, "a page load must not reach the origin").toBe("302");
  expect(header(page, "location")).toMatch(new RegExp(`^${t.issuer.issuer}/protocol/openid-connect/auth\\?`));
  const api = generated(await t.askEdge(token, "fetch"));
  expect(api?.status, "fetch() must not reach the origin").toBe("401");
  expect(JSON.parse(api?.body ?? "{}")).toMatchObject({ error: "login_required" });
}

describe("the validation API", () => {
  it("accepts the issuer's own good token (the control case)", async () => {
    const answer = await t.askApi(await t.sign());
    expect(answer).toMatchObject({ status: 200, body: { valid: true } });
  });

  for (const attack of ATTACKS) {
    it(`refuses ${attack.name}: ${attack.status ?? 401} ${attack.code}`, async () => {
      const answer = await t.askApi(await attack.token());
      expect(answer.status).toBe(attack.status ?? 401);
      expect(answer.body).toMatchObject({ valid: false, error: attack.code });
    });
  }
});

describe("the edge handler, with the token as its session cookie", () => {
  it("lets the issuer's own good token through to the origin (the control case)", async () => {
    const result = await t.askEdge(await t.sign(), "navigation");
    expect(generated(result)).toBeUndefined();
  });

  for (const attack of ATTACKS) {
    it(`refuses ${attack.name}: 302 to the IdP for a page load, 401 JSON for fetch`, async () => {
      await expectEdgeRefuses(await attack.token());
    });
  }
});

describe("key URLs in the token's header", () => {
  for (const param of ["jku", "x5u"] as const) {
    it(`refuses a ${param} header pointing at the attacker's keys: key_not_found, never fetched`, async () => {
      const token = await signToken(attacker, t.claims(), {
        header: { [param]: `${counter.url}/${param}.json` },
      });
      const answer = await t.askApi(token);
      expect(answer.body).toMatchObject({ valid: false, error: "key_not_found" });
      await expectEdgeRefuses(token);
      expect(counter.requests).toBe(0);
    });
  }

  it("refuses an x5c chain in the header: the published keys alone decide", async () => {
    const token = await signToken(attacker, t.claims(), {
      header: { kid: t.key.kid, x5c: ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"] },
    });
    expect((await t.askApi(token)).body).toMatchObject({ valid: false, error: "signature_invalid" });
    await expectEdgeRefuses(token);
  });
});

describe("tokens the issuer really signed, but not for this use", () => {
  // The validation API verifies signature, iss, aud and time only: it does not know which client it
  // serves beyond its audience, nor what kind of token it was given. azp and typ come back in the claims
  // and its caller must judge them; the edge does (session/access-token-use.ts).
  it("the validation API accepts a token issued to another client (azp) with 200 valid: it does not check azp", async () => {
    const answer = await t.askApi(await t.sign({ azp: "another-client" }));
    expect(answer).toMatchObject({ status: 200, body: { valid: true, claims: { azp: "another-client" } } });
  });

  it("the edge refuses a token issued to another client (azp) with this site in its aud: 302 / 401", async () => {
    await expectEdgeRefuses(await t.sign({ azp: "another-client", aud: ["site", "another-client"] }));
  });

  // Keycloak tells its tokens apart by the `typ` claim: "Bearer" for access tokens, "ID" for ID tokens.
  it("the validation API accepts an ID token (typ ID) as an access token with 200 valid: it does not check typ", async () => {
    const answer = await t.askApi(await t.sign({ typ: "ID", nonce: "n-1", azp: "site" }));
    expect(answer).toMatchObject({ status: 200, body: { valid: true, claims: { typ: "ID" } } });
  });

  // ID tokens travel further than access tokens (the logout URL carries one as id_token_hint), so the
  // edge refuses one as a session.
  it("the edge refuses an ID token (typ ID) used as the session's access token: 302 / 401", async () => {
    await expectEdgeRefuses(await t.sign({ typ: "ID", nonce: "n-1" }));
  });

  // The reverse, an access token where the ID token belongs, is at the callback: oidc-flow-attacks.
});

// RFC 7519 §4 lets a JWT parser either reject a repeated claim name or take the lexically last value.
// jose reads JSON with JSON.parse, which takes the last, and so does every reader in the product (the
// validation API's checks and claims, the edge's own look at `exp`, its roles from the API's claims).
// These tokens are genuinely signed by the issuer's key, repeated keys and all: whichever value is read,
// the signer signed it, and since every reader takes the same (last) one, a repeated claim is judged
// once, deterministically, and never grants more than the signed text's last value says.
describe("duplicate JSON keys in a token the issuer really signed: the last value counts, at the API and the edge", () => {
  const claims = () => ({ ...t.claims(), ...exp() });
  const protectedHeader = () => ({ alg: "RS256", kid: t.key.kid, typ: "JWT" });
  const signPayload = (text: string) => signText(t.key, JSON.stringify(protectedHeader()), text);

  it("reads sub given twice (alice-id, then mallory-id) as mallory-id: the API answers 200 with sub mallory-id", async () => {
    const token = signPayload(withDuplicateKey(claims(), "sub", "alice-id", "mallory-id"));
    const answer = await t.askApi(token);
    expect(answer).toMatchObject({ status: 200, body: { valid: true, claims: { sub: "mallory-id" } } });
    expect(generated(await t.askEdge(token, "navigation"))).toBeUndefined();
  });

  it("reads realm_access given twice (staff, then no roles) as no roles: the edge answers 403 on /staff/", async () => {
    const token = signPayload(
      withDuplicateKey(claims(), "realm_access", { roles: ["staff"] }, { roles: [] }),
    );
    expect((await t.askApi(token)).body).toMatchObject({
      valid: true,
      claims: { realm_access: { roles: [] } },
    });
    expect(generated(await t.askEdge(token, "navigation", "/staff/"))?.status).toBe("403");
  });

  it("reads realm_access given twice (no roles, then staff) as staff: the edge lets /staff/ through", async () => {
    const token = signPayload(
      withDuplicateKey(claims(), "realm_access", { roles: [] }, { roles: ["staff"] }),
    );
    expect((await t.askApi(token)).body).toMatchObject({
      valid: true,
      claims: { realm_access: { roles: ["staff"] } },
    });
    expect(generated(await t.askEdge(token, "navigation", "/staff/"))).toBeUndefined();
  });

  it("reads exp given twice (in the future, then past) as past: 401 token_expired at the API, 302 / 401 at the edge", async () => {
    const token = signPayload(withDuplicateKey(claims(), "exp", now() + 300, now() - 120));
    expect(await t.askApi(token)).toMatchObject({
      status: 401,
      body: { valid: false, error: "token_expired" },
    });
    await expectEdgeRefuses(token);
  });

  it("reads exp given twice (past, then in the future) as in the future: 200 at the API, the edge lets it through", async () => {
    const token = signPayload(withDuplicateKey(claims(), "exp", now() - 120, now() + 300));
    expect(await t.askApi(token)).toMatchObject({ status: 200, body: { valid: true } });
    expect(generated(await t.askEdge(token, "navigation"))).toBeUndefined();
  });

  it("reads alg given twice in the header (RS256, then none) as none: 401 algorithm_not_allowed, 302 / 401 at the edge", async () => {
    const h = withDuplicateKey(protectedHeader(), "alg", "RS256", "none");
    const token = signText(t.key, h, JSON.stringify(claims()));
    expect(await t.askApi(token)).toMatchObject({ status: 401, body: { error: "algorithm_not_allowed" } });
    await expectEdgeRefuses(token);
  });

  it("reads alg given twice in the header (none, then RS256) as RS256: 200, the signature is the real key's", async () => {
    const h = withDuplicateKey(protectedHeader(), "alg", "none", "RS256");
    const token = signText(t.key, h, JSON.stringify(claims()));
    expect(await t.askApi(token)).toMatchObject({ status: 200, body: { valid: true } });
    expect(generated(await t.askEdge(token, "navigation"))).toBeUndefined();
  });
});

describe("what the edge sends on", () => {
  it("never passes the session cookie to the origin with a good token", async () => {
    const result = (await t.askEdge(await t.sign(), "navigation")) as Exclude<
      CloudFrontRequestResult,
      undefined
    > & { headers: Record<string, unknown> };
    expect(result.headers.cookie).toBeUndefined();
  });
});

// The same hostile tokens, now as what the IdP's token endpoint returns: the access token of a sign-in
// (at the callback) or of a refresh. The ID token beside it is the issuer's own good one, with the
// login's nonce, so the access token alone decides. The issuer is real (HTTP, its key published, codes
// bound to the redirect URI and the PKCE challenge); only its choice of access token is the attacker's.
const HOSTILE: Array<{ name: string; token: () => Promise<string> | string }> = [
  ...ATTACKS,
  ...(["jku", "x5u"] as const).map((param) => ({
    name: `a ${param} header pointing at the attacker's keys`,
    token: () => signToken(attacker, t.claims(), { header: { [param]: `${counter.url}/${param}.json` } }),
  })),
  {
    name: "an x5c chain in the header",
    token: () =>
      signToken(attacker, t.claims(), {
        header: { kid: t.key.kid, x5c: ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"] },
      }),
  },
  {
    name: "a token issued to another client (azp)",
    token: () => t.sign({ azp: "another-client", aud: ["site", "another-client"] }),
  },
  { name: "an ID token (typ ID) as the access token", token: () => t.sign({ typ: "ID", nonce: "n-1" }) },
  {
    name: "exp given twice (in the future, then past)",
    token: () =>
      signText(
        t.key,
        JSON.stringify({ alg: "RS256", kid: t.key.kid, typ: "JWT" }),
        withDuplicateKey({ ...t.claims(), iat: now() }, "exp", now() + 300, now() - 120),
      ),
  },
  {
    name: "alg given twice in the header (RS256, then none)",
    token: () =>
      signText(
        t.key,
        withDuplicateKey({ alg: "RS256", kid: t.key.kid, typ: "JWT" }, "alg", "RS256", "none"),
        JSON.stringify({ ...t.claims(), ...exp() }),
      ),
  },
];

/**
 * After a refused sign-in or refresh: /docs/ is refused, to the IdP for a page load, 401 for fetch; or,
 * when the token endpoint's answer was an upstream fault (`unavailable`), 503 for both.
 */
async function expectNoPass(v: Viewer, unavailable = false) {
  const page = await v.follow("/docs/");
  expect(page.origin, "a page load must not reach the origin").toBe(false);
  expect(verdictOf(page)).toBe(unavailable ? "503" : "302 login");
  const api = await v.follow("/docs/", "fetch");
  expect(api.origin, "fetch() must not reach the origin").toBe(false);
  expect(api.status).toBe(unavailable ? 503 : 401);
}

/** Over the token endpoint's 64 KiB the edge does not read its answer: an upstream fault, not a refusal. */
const overCap = (name: string) => name.startsWith("an oversized");

const mintedSessions = (v: Viewer) => v.answers.flatMap((a) => sessionCookiesSet(a.setCookies));

describe.each(MODES)("%s: a hostile access token from the IdP's token endpoint", (mode) => {
  let site: ModeSite;
  beforeAll(async () => {
    site = await startModeSite({ mode, issuer: t.issuer.issuer, validateUrl: t.api.validateUrl });
  });
  afterEach(() => t.issuer.answerGrants());
  const answerWith = (token: string) =>
    t.issuer.answerGrants((_grant, good) => ({ tokens: { ...good, access_token: token } }));

  it("signs in with the issuer's own good tokens, and /docs/ reaches the origin (the control case)", async () => {
    const v = site.viewer();
    const callback = await v.signIn();
    expect(callback).toMatchObject({ status: 302, location: "/docs/" });
    expect(sessionCookiesSet(callback.setCookies)).toHaveLength(1);
    expect((await v.follow("/docs/")).origin).toBe(true);
  });

  it("refreshes with the issuer's own good tokens, and /docs/ reaches the origin (the control case)", async () => {
    const v = site.viewer();
    await v.holdExpiredSession(t.key, t.issuer.issuer);
    expect((await v.follow("/docs/")).origin).toBe(true);
    expect(t.issuer.grants.at(-1)?.type).toBe("refresh_token");
    expect(mintedSessions(v)).toHaveLength(1);
  });

  for (const attack of HOSTILE) {
    it(`at the callback, refuses ${attack.name}: no session cookie, the sign-in fails, no page passes`, async () => {
      answerWith(await attack.token());
      const v = site.viewer();
      const callback = await v.signIn();
      expect(callback.origin).toBe(false);
      // Over 64 KiB the token endpoint's answer is not read at all: an upstream fault, 503.
      expect(callback.status).toBe(overCap(attack.name) ? 503 : 400);
      expect(sessionCookiesSet(callback.setCookies)).toEqual([]);
      expect(site.logs.find("path", "/_auth/callback").at(-1)).toMatchObject({
        reason: overCap(attack.name) ? "token-endpoint_unavailable" : expect.stringMatching(/^access_token_/),
      });
      await expectNoPass(v);
    });

    // lambda-edge stores a refreshed token as it comes and judges it on the next page load (the original
    // design; one that is already expired, or not a JWT, is refused at once: kept, it would be refreshed
    // again in a loop); the fast path has the validation API judge it before it mints a session cookie.
    it(`at refresh, refuses ${attack.name}: ${mode === "cloudfront-function" ? "no session cookie minted, " : ""}no page passes`, async () => {
      answerWith(await attack.token());
      const v = site.viewer();
      await v.holdExpiredSession(t.key, t.issuer.issuer);
      const grants = t.issuer.grants.length;
      await expectNoPass(v, overCap(attack.name));
      // One grant per request, not a loop of them (a 503 keeps the refresh token: the fetch tries again).
      const requests = overCap(attack.name) ? 2 : 1;
      expect(t.issuer.grants.length, "no loop of grants").toBe(grants + requests);
      expect(t.issuer.grants.at(-1)?.type).toBe("refresh_token");
      if (mode === "cloudfront-function") expect(mintedSessions(v)).toEqual([]);
    });
  }
});

// The fast path's own session cookie, against the shipped CloudFront Function and against Lambda@Edge in
// fast mode on a site path (a behaviour without the function): the same keys, the same verdict. A
// refusal never reaches the origin: a page load goes to login (or to refresh), fetch gets 401.
describe("cloudfront-function: hostile session cookies, at the CloudFront Function and at Lambda@Edge alike", () => {
  const keys: CookieKeys = {
    current: newSessionKey("k-current"),
    previous: newSessionKey("k-previous"),
    retired: newSessionKey("k-retired"),
    attacker: newSessionKey("k-attacker"),
  };
  let site: ModeSite;
  let fn: CloudFrontFunction;
  /** Every cookie value sent, to look for in the function's log lines. */
  const sent = new Set<string>();
  beforeAll(async () => {
    site = await startModeSite({
      mode: "cloudfront-function",
      issuer: t.issuer.issuer,
      validateUrl: t.api.validateUrl,
      sessionKey: keys.current,
      previousKey: keys.previous,
    });
    fn = site.fn as CloudFrontFunction;
  });

  async function verdicts(values: string[], uri: string, kind: RequestKind) {
    const cookies = values.map((v): [string, string] => [SESSION_COOKIE, v]);
    for (const v of values) sent.add(v);
    return {
      function: verdictOf(runFunction(fn, uri, "", kind, cookies)),
      lambda: verdictOf(await runEdge(site.edge, uri, "", kind, cookies)),
    };
  }
  const EXPECTED: Record<Refusal, Record<RequestKind, string>> = {
    login: { navigation: "302 login", fetch: "401" },
    refresh: { navigation: "302 refresh", fetch: "302 refresh" },
    forbidden: { navigation: "403", fetch: "403" },
  };

  it("lets genuine cookies through: bob on /docs/, alice on /staff/, one signed with the previous key (the control cases)", async () => {
    const pass = { function: "pass", lambda: "pass" };
    expect(await verdicts([genuine(keys.current)], "/docs/", "navigation")).toEqual(pass);
    const alice = genuine(keys.current, { sub: "alice-id", roles: ["staff"] });
    expect(await verdicts([alice], "/staff/", "fetch")).toEqual(pass);
    expect(await verdicts([genuine(keys.previous)], "/docs/", "navigation")).toEqual(pass);
  });

  for (const attack of COOKIE_ATTACKS) {
    const uri = attack.uri ?? "/docs/";
    it(`refuses ${attack.name} on ${uri}: ${EXPECTED[attack.refusal].navigation} for a page load, ${EXPECTED[attack.refusal].fetch} for fetch`, async () => {
      const values = attack.values(keys);
      for (const kind of ["navigation", "fetch"] as const) {
        const expected = EXPECTED[attack.refusal][kind];
        expect(await verdicts(values, uri, kind), kind).toEqual({ function: expected, lambda: expected });
      }
    });
  }

  it("logged one line per refusal at the function, with its reason, and no cookie value or signature", () => {
    const lines = site.functionLogs;
    expect(lines.length).toBeGreaterThanOrEqual(COOKIE_ATTACKS.length * 2);
    for (const line of lines)
      expect(JSON.parse(line)).toMatchObject({ fn: "session-check", reason: expect.any(String) });
    const all = lines.join("\n");
    expect(sent.size).toBeGreaterThan(COOKIE_ATTACKS.length / 2);
    for (const value of sent) {
      expect(all).not.toContain(value);
      for (const part of value.split(".")) if (part.length >= 16) expect(all).not.toContain(part);
    }
  });
});
