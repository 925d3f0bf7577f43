import { createTestKey, type FakeIssuer, signToken, type TestKey } from "@static-sso/testing";
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
