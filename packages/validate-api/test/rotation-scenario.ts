import { createTestKey, type FakeIssuer } from "@static-sso/testing";
import { expect } from "vitest";
import { JwksCache } from "../src/jwks.js";
import type { ValidatorOptions } from "../src/validator.js";
import { AUDIENCE, goodToken, NOW_MS, startIssuerWith } from "./fixtures.js";

export type Send = (token: string) => Promise<{ status: number; error?: string }>;

/**
 * Key rotation and an IdP outage, step by step, through whichever front (Lambda handler or local server)
 * `start` builds from the validator options: the same story must hold for both.
 */
export async function rotationScenario(
  start: (options: ValidatorOptions) => Promise<{ send: Send; close(): Promise<void> }>,
) {
  const [oldKey, newKey] = await Promise.all([createTestKey("RS256"), createTestKey("ES256")]);
  const idp: FakeIssuer = await startIssuerWith([oldKey]);
  const clock = { now: NOW_MS };
  const front = await start({
    issuer: idp.issuer,
    audience: AUDIENCE,
    jwksCache: new JwksCache(),
    clock: () => clock.now,
    jwks: { ttlMs: 600_000, cooldownMs: 30_000 },
  });
  const token = (key: typeof oldKey) => goodToken(key, idp.issuer, {}, { now: Math.floor(clock.now / 1000) });
  try {
    // warm: one fetch
    expect(await front.send(await token(oldKey))).toEqual({ status: 200 });
    expect(idp.jwksHits).toBe(1);

    // the IdP rotates; within the cool-down the new kid is unknown and the IdP is not asked again
    idp.setKeys([oldKey.publicJwk, newKey.publicJwk]);
    clock.now += 5_000;
    expect(await front.send(await token(newKey))).toEqual({ status: 401, error: "key_not_found" });
    expect(await front.send(await token(newKey))).toEqual({ status: 401, error: "key_not_found" });
    expect(idp.jwksHits).toBe(1);

    // after the cool-down: exactly one re-fetch, and the new key verifies
    clock.now += 30_000;
    expect(await front.send(await token(newKey))).toEqual({ status: 200 });
    expect(idp.jwksHits).toBe(2);

    // the IdP goes down and the TTL passes: the cached keys keep working
    idp.setMode("down");
    clock.now += 3_600_000;
    expect(await front.send(await token(newKey))).toEqual({ status: 200 });
    expect(await front.send(await token(oldKey))).toEqual({ status: 200 });
  } finally {
    await front.close();
    await idp.close();
  }
}
