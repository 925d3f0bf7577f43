// Hostile tokens, each tried against the validation API (over HTTP on loopback) and against the edge
// handler (as the session cookie, with the real validation API behind it). A reviewer reads this file
// as the list of attacks and the answer each one gets.
import { createTestKey, signToken, type TestKey } from "@static-sso/testing";
import type { CloudFrontRequestResult } from "aws-lambda";
import { CompactSign } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
import { generated, header, startTokenTarget, type TokenTarget } from "../src/token-target.js";

let t: TokenTarget;
let attacker: TestKey;
/** Where an attacker points jku/x5u: serves the attacker's key set and counts every request. */
let counter: MisbehavingServer;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  t = await startTokenTarget();
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
