import { createTestKey, type FakeIssuer, signToken, type TestKey } from "@static-sso/testing";
import { CompactSign } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JwksCache } from "../src/jwks.js";
import { createValidator, type ValidatorOptions } from "../src/validator.js";
import { AUDIENCE, goodToken, NOW_MS, NOW_S, startIssuerWith } from "./fixtures.js";

let rs: TestKey;
let es: TestKey;
let idp: FakeIssuer;
beforeAll(async () => {
  [rs, es] = await Promise.all([createTestKey("RS256"), createTestKey("ES256")]);
  idp = await startIssuerWith([rs, es]);
});
afterAll(() => idp.close());

function validator(options: Partial<ValidatorOptions> = {}) {
  return createValidator({
    issuer: idp.issuer,
    audience: AUDIENCE,
    jwksUri: idp.jwksUri,
    jwksCache: new JwksCache(),
    clock: () => NOW_MS,
    ...options,
  });
}

async function codeOf(v: ReturnType<typeof validator>, token: string) {
  const result = await v.validate(token);
  return result.valid ? "valid" : result.error.code;
}

/** The error code and message, or "valid". */
async function answerOf(v: ReturnType<typeof validator>, token: string) {
  const result = await v.validate(token);
  return result.valid ? "valid" : { code: result.error.code, message: result.error.message };
}

/**
 * A token signed over the payload text exactly as given, so it can hold what JSON.stringify cannot
 * write: `1e400` is a number literal that JSON.parse reads as Infinity.
 */
async function signRaw(key: TestKey, payload: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
    .sign(key.privateKey);
}

describe("createValidator", () => {
  it("refuses to be built with HS256 or none in its allow-list", () => {
    expect(() => validator({ algorithms: ["RS256", "HS256"] })).toThrow(
      expect.objectContaining({ code: "config_invalid", field: "algorithms" }),
    );
    expect(() => validator({ algorithms: ["none"] })).toThrow(
      expect.objectContaining({ field: "algorithms" }),
    );
  });

  it("refuses an algorithm the issuer uses when it is not in the allow-list", async () => {
    expect(await codeOf(validator({ algorithms: ["ES256"] }), await goodToken(rs, idp.issuer))).toBe(
      "algorithm_not_allowed",
    );
  });

  it("refuses a token over maxTokenBytes without fetching any key", async () => {
    const cache = new JwksCache();
    const token = await goodToken(es, idp.issuer, { padding: "x".repeat(2000) });
    expect(await codeOf(validator({ maxTokenBytes: 1024, jwksCache: cache }), token)).toBe("token_malformed");
    expect(cache.fetchCount(idp.jwksUri)).toBe(0);
  });

  it("never fetches keys for alg none", async () => {
    const cache = new JwksCache();
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from("{}").toString("base64url")}.`;
    expect(await codeOf(validator({ jwksCache: cache }), none)).toBe("algorithm_not_allowed");
    expect(cache.fetchCount(idp.jwksUri)).toBe(0);
  });

  it("accepts a token within the clock tolerance of its nbf and refuses one beyond it", async () => {
    const v = validator({ clockToleranceSeconds: 30 });
    expect(await codeOf(v, await goodToken(es, idp.issuer, { nbf: NOW_S + 29 }))).toBe("valid");
    expect(await codeOf(v, await goodToken(es, idp.issuer, { nbf: NOW_S + 31 }))).toBe("token_not_yet_valid");
  });

  it("accepts an iat within the tolerance in the future", async () => {
    expect(await codeOf(validator(), await goodToken(es, idp.issuer, { iat: NOW_S + 20 }))).toBe("valid");
  });

  it("requires exp even when requiredClaims is empty", async () => {
    const token = await signToken(
      es,
      { iss: idp.issuer, aud: AUDIENCE, iat: NOW_S, exp: undefined },
      { now: NOW_S },
    );
    expect(await codeOf(validator({ requiredClaims: [] }), token)).toBe("claim_invalid");
  });

  it("checks configured required claims", async () => {
    expect(await codeOf(validator({ requiredClaims: ["email"] }), await goodToken(es, idp.issuer))).toBe(
      "claim_invalid",
    );
  });

  it("refuses a non-numeric exp with claim_invalid", async () => {
    expect(await codeOf(validator(), await goodToken(es, idp.issuer, { exp: "tomorrow" as never }))).toBe(
      "claim_invalid",
    );
  });

  it("accepts one of several configured audiences", async () => {
    const v = validator({ audience: ["account", "edge"] });
    expect(await codeOf(v, await goodToken(es, idp.issuer, { aud: "edge" }))).toBe("valid");
  });

  it("returns the seconds until exp and the header's alg and kid", async () => {
    const result = await validator().validate(await goodToken(es, idp.issuer, { exp: NOW_S + 90 }));
    expect(result).toMatchObject({ valid: true, expiresIn: 90, alg: "ES256", kid: es.kid });
  });
});

describe("a token's lifetime (maxTokenLifetimeSeconds)", () => {
  it("refuses an exp more than a day after iat by default, with claim_invalid saying why", async () => {
    const v = validator();
    expect(await codeOf(v, await goodToken(es, idp.issuer, { exp: NOW_S + 86_400 }))).toBe("valid");
    expect(await answerOf(v, await goodToken(es, idp.issuer, { exp: NOW_S + 86_401 }))).toEqual({
      code: "claim_invalid",
      message: "the token's exp is more than 86400 s after its iat",
    });
  });

  it("takes the configured lifetime", async () => {
    const v = validator({ maxTokenLifetimeSeconds: 3600 });
    expect(await codeOf(v, await goodToken(es, idp.issuer, { exp: NOW_S + 3600 }))).toBe("valid");
    expect(await codeOf(v, await goodToken(es, idp.issuer, { exp: NOW_S + 3601 }))).toBe("claim_invalid");
  });

  it("measures from iat, so a long-lived token is refused however close its exp is now", async () => {
    const token = await goodToken(es, idp.issuer, { iat: NOW_S - 100_000, exp: NOW_S + 60 });
    expect(await codeOf(validator(), token)).toBe("claim_invalid");
  });

  it("compares exp with now when the token has no iat", async () => {
    const v = validator({ requiredClaims: ["sub"], maxTokenLifetimeSeconds: 3600 });
    const noIat = (exp: number) => goodToken(es, idp.issuer, { iat: undefined, exp });
    expect(await codeOf(v, await noIat(NOW_S + 3600))).toBe("valid");
    expect(await answerOf(v, await noIat(NOW_S + 3600 + 31))).toEqual({
      code: "claim_invalid",
      message: "the token has no iat and its exp is more than 3600 s from now",
    });
  });

  it("refuses an absurd exp (1e300) with claim_invalid", async () => {
    expect(await codeOf(validator(), await goodToken(es, idp.issuer, { exp: 1e300 }))).toBe("claim_invalid");
    const noIat = await goodToken(es, idp.issuer, { iat: undefined, exp: 1e300 });
    expect(await codeOf(validator({ requiredClaims: ["sub"] }), noIat)).toBe("claim_invalid");
  });

  it("refuses an exp that reads as Infinity (1e400) with claim_invalid", async () => {
    const token = await signRaw(
      es,
      `{"iss":${JSON.stringify(idp.issuer)},"aud":"${AUDIENCE}","sub":"alice","iat":${NOW_S},"exp":1e400}`,
    );
    expect(await answerOf(validator(), token)).toEqual({
      code: "claim_invalid",
      message: "the token's exp is not a finite date",
    });
  });

  it("refuses an iat that reads as -Infinity (-1e400) with claim_invalid", async () => {
    const token = await signRaw(
      es,
      `{"iss":${JSON.stringify(idp.issuer)},"aud":"${AUDIENCE}","sub":"alice","iat":-1e400,"exp":${NOW_S + 60}}`,
    );
    expect(await codeOf(validator(), token)).toBe("claim_invalid");
  });

  it("never answers an expiresIn above the lifetime, even for an iat within the tolerance ahead", async () => {
    const v = validator({ maxTokenLifetimeSeconds: 3600, clockToleranceSeconds: 30 });
    const result = await v.validate(await goodToken(es, idp.issuer, { iat: NOW_S + 20, exp: NOW_S + 3620 }));
    expect(result).toMatchObject({ valid: true, expiresIn: 3600 });
  });

  it("refuses to be built with a lifetime that is not a whole number of seconds above 0", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => validator({ maxTokenLifetimeSeconds: bad })).toThrow(
        expect.objectContaining({ code: "config_invalid", field: "maxTokenLifetimeSeconds" }),
      );
    }
  });
});

describe("the subject (sub)", () => {
  const cases: [string, unknown][] = [
    ["an empty sub", ""],
    ["a numeric sub", 42],
    ["a null sub", null],
    ["an object sub", { id: "alice" }],
  ];
  for (const [name, sub] of cases) {
    it(`refuses ${name} with claim_invalid`, async () => {
      const token = await goodToken(es, idp.issuer, { sub: sub as never });
      expect(await answerOf(validator(), token)).toEqual({
        code: "claim_invalid",
        message: `the token's "sub" claim is not a non-empty string`,
      });
    });
  }

  it("refuses a missing sub even when REQUIRED_CLAIMS leaves it out", async () => {
    const token = await goodToken(es, idp.issuer, { sub: undefined });
    expect(await answerOf(validator({ requiredClaims: [] }), token)).toEqual({
      code: "claim_invalid",
      message: `the token lacks the required "sub" claim`,
    });
  });
});
