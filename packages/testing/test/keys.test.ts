import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeIssuer } from "../src/idp-server.js";
import { createTestKey, signToken } from "../src/keys.js";

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of closers) await c();
});

describe.each(["RS256", "PS256", "ES256"] as const)("a %s test key served by the fake issuer", (alg) => {
  it("signs a token that jose verifies against the served JWKS", async () => {
    const key = await createTestKey(alg);
    const idp = await startFakeIssuer([key.publicJwk]);
    closers.push(idp.close);
    const token = await signToken(key, { iss: idp.issuer, aud: "site" });
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUri)), {
      issuer: idp.issuer,
      audience: "site",
    });
    expect(protectedHeader).toMatchObject({ alg, kid: key.kid });
    expect(payload.iss).toBe(idp.issuer);
    expect(idp.jwksHits).toBe(1);
  });
});
