import { createSign, generateKeyPairSync } from "node:crypto";
import { createLogger } from "@static-sso/shared";
import { createTestKey, type FakeIssuer, type TestKey } from "@static-sso/testing";
import type { JWK } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { JwksCache, MAX_KID_CANDIDATES } from "../src/jwks.js";
import { createValidator, type ValidatorOptions } from "../src/validator.js";
import { AUDIENCE, createKeys, goodToken, logLines, NOW_MS, NOW_S, startIssuerWith } from "./fixtures.js";

const MINUTE = 60_000;
const issuers: FakeIssuer[] = [];
// Real keys, generated once for the file (RSA generation is the slow part); every test has its own IdP.
let rs: TestKey;
let ps: TestKey;
let es: TestKey;
let rotated: TestKey;
let other: TestKey;
beforeAll(async () => {
  ({ rs, ps, es } = await createKeys());
  [rotated, other] = await Promise.all([createTestKey("RS256"), createTestKey("RS256")]);
});
afterEach(async () => {
  await Promise.all(issuers.splice(0).map((i) => i.close()));
});

/** A fake IdP, a validator on its own cache, and a clock the test moves by hand. */
async function setup(
  publish: Parameters<typeof startIssuerWith>[0],
  options: Partial<ValidatorOptions> = {},
) {
  const idp = await startIssuerWith(publish);
  issuers.push(idp);
  const cache = new JwksCache();
  const clock = { now: NOW_MS };
  const validator = createValidator({
    issuer: idp.issuer,
    audience: AUDIENCE,
    jwksUri: idp.jwksUri,
    jwksCache: cache,
    clock: () => clock.now,
    ...options,
  });
  /** A token valid at the clock's current time. */
  const token = (key: Parameters<typeof goodToken>[0], header?: Record<string, unknown>) =>
    goodToken(key, idp.issuer, {}, { now: Math.floor(clock.now / 1000), ...(header ? { header } : {}) });
  const code = async (t: string) => {
    const r = await validator.validate(t);
    return r.valid ? "valid" : r.error.code;
  };
  return { idp, cache, clock, validator, token, code };
}

describe("JWKS caching", () => {
  it("fetches the key set once and verifies later tokens from the cache", async () => {
    const { idp, token, code } = await setup([rs, es]);
    expect(await code(await token(rs))).toBe("valid");
    expect(await code(await token(es))).toBe("valid");
    expect(await code(await token(rs))).toBe("valid");
    expect(idp.jwksHits).toBe(1);
  });

  it("makes one fetch for many requests arriving at once on a cold container", async () => {
    const { idp, token, code } = await setup([rs]);
    const tokens = await Promise.all(Array.from({ length: 10 }, () => token(rs)));
    expect(new Set(await Promise.all(tokens.map(code)))).toEqual(new Set(["valid"]));
    expect(idp.jwksHits).toBe(1);
  });

  it("finds the JWKS through the issuer's discovery document when no jwksUri is given", async () => {
    const { idp, token, code } = await setup([rs], { jwksUri: undefined });
    expect(await code(await token(rs))).toBe("valid");
    expect(idp.jwksHits).toBe(1);
  });

  it("fetches the key set again, in the background, once its TTL has passed", async () => {
    const { idp, cache, clock, token, code } = await setup([rs], { jwks: { ttlMs: 10 * MINUTE } });
    await code(await token(rs));
    clock.now += 10 * MINUTE;
    expect(await code(await token(rs))).toBe("valid");
    await cache.settled();
    expect(idp.jwksHits).toBe(2);
  });

  it("makes one background refresh for many requests arriving at once with stale keys", async () => {
    const { idp, cache, clock, token, code } = await setup([rs], { jwks: { ttlMs: 10 * MINUTE } });
    await code(await token(rs));
    clock.now += 11 * MINUTE;
    const tokens = await Promise.all(Array.from({ length: 10 }, () => token(rs)));
    expect(new Set(await Promise.all(tokens.map(code)))).toEqual(new Set(["valid"]));
    await cache.settled();
    expect(idp.jwksHits).toBe(2);
  });

  it("keeps no more key sets than its size, evicting the least recently used", () => {
    const cache = new JwksCache(2);
    cache.entry("a");
    cache.entry("b");
    cache.entry("a");
    cache.entry("c");
    expect(cache.size).toBe(2);
    expect(cache.fetchCount("b")).toBe(0);
  });
});

describe("unknown kid and key rotation", () => {
  it("re-fetches once for an unknown kid after the cool-down and accepts the IdP's rotated key", async () => {
    const { idp, clock, token, code } = await setup([rs], { jwks: { cooldownMs: 30_000 } });
    expect(await code(await token(rs))).toBe("valid");
    idp.setKeys([rs.publicJwk, rotated.publicJwk]);
    clock.now += 31_000;
    expect(await code(await token(rotated))).toBe("valid");
    expect(idp.jwksHits).toBe(2);
  });

  it("does not re-fetch for unknown kids within the cool-down: a flood costs the IdP nothing", async () => {
    const { idp, clock, token, code } = await setup([rs], { jwks: { cooldownMs: 30_000 } });
    await code(await token(rs));
    idp.setKeys([rs.publicJwk, rotated.publicJwk]);
    clock.now += 10_000;
    const flood = await Promise.all(Array.from({ length: 20 }, async () => code(await token(rotated))));
    expect(new Set(flood)).toEqual(new Set(["key_not_found"]));
    expect(idp.jwksHits).toBe(1);
  });

  it("lets one re-fetch through when the cool-down has passed, however many unknown kids arrive at once", async () => {
    const { idp, clock, token, code } = await setup([rs], { jwks: { cooldownMs: 30_000 } });
    await code(await token(rs));
    clock.now += 31_000;
    const tokens = await Promise.all(Array.from({ length: 20 }, () => token(other)));
    const flood = await Promise.all(tokens.map(code));
    expect(new Set(flood)).toEqual(new Set(["key_not_found"]));
    expect(idp.jwksHits).toBe(2);
  });
});

describe("keys without a kid", () => {
  it("verifies a token without kid when exactly one published key fits its alg", async () => {
    const { token, code } = await setup([rs, ps, es]);
    expect(await code(await token(rs, { kid: undefined }))).toBe("valid");
  });

  it("refuses a token without kid with key_not_found when several keys could fit", async () => {
    const { token, code } = await setup([rs, other]);
    expect(await code(await token(rs, { kid: undefined }))).toBe("key_not_found");
  });

  it("never uses a key published for encryption (use: enc)", async () => {
    const { idp, token, code } = await setup([rs]);
    idp.setKeys([{ ...rs.publicJwk, use: "enc" }]);
    expect(await code(await token(rs))).toBe("key_not_found");
  });
});

describe("several keys under one kid", () => {
  // Real, distinct key pairs that an IdP (or an operator's hand-made JWKS) published under the same kid.
  let twinA: TestKey;
  let twinB: TestKey;
  let impostor: TestKey;
  beforeAll(async () => {
    [twinA, twinB, impostor] = await Promise.all([
      createTestKey("ES256", "twin"),
      createTestKey("ES256", "twin"),
      createTestKey("ES256", "twin"),
    ]);
  });

  /** `setup` with the log lines collected. */
  async function logged(
    publish: Parameters<typeof startIssuerWith>[0],
    options: Partial<ValidatorOptions> = {},
  ) {
    const lines = logLines();
    const ctx = await setup(publish, { logger: createLogger({}, { sink: lines.sink }), ...options });
    const warnings = () => lines.parsed().filter((l) => l.message === "several keys under one kid");
    return { ...ctx, warnings };
  }

  it("verifies a token signed by either key", async () => {
    const { token, code } = await logged([twinA, twinB]);
    expect(await code(await token(twinA))).toBe("valid");
    expect(await code(await token(twinB))).toBe("valid");
    expect(await code(await token(twinB))).toBe("valid"); // the candidates from memory
  });

  it("refuses a token that none of them verifies with signature_invalid", async () => {
    const { validator, token } = await logged([twinA, twinB]);
    const result = await validator.validate(await token(impostor));
    expect(result.valid || { code: result.error.code, message: result.error.message }).toEqual({
      code: "signature_invalid",
      message: "the token's signature does not verify with any of the 2 keys under its kid",
    });
  });

  it("reports what the key that verifies says about the claims (an expired token stays token_expired)", async () => {
    const { idp, code } = await logged([twinA, twinB]);
    const expired = await goodToken(twinB, idp.issuer, { iat: NOW_S - 600, exp: NOW_S - 300 });
    expect(await code(expired)).toBe("token_expired");
  });

  it("logs one warning per key set fetch naming the kid and the count, not one per request", async () => {
    const { cache, clock, token, code, warnings } = await logged([twinA, twinB, rs], {
      jwks: { ttlMs: 10 * MINUTE },
    });
    for (const key of [twinA, twinB, impostor, rs, twinA]) await code(await token(key));
    expect(warnings()).toEqual([expect.objectContaining({ level: "warn", kid: "twin", count: 2 })]);
    clock.now += 11 * MINUTE;
    await code(await token(twinA)); // stale: a background refresh fetches the set again
    await cache.settled();
    expect(warnings()).toHaveLength(2);
  });

  it("does not count a key published for encryption (use: enc) under the same kid", async () => {
    const { idp, token, code, warnings } = await logged([twinA]);
    idp.setKeys([twinA.publicJwk, { ...twinB.publicJwk, use: "enc" }]);
    expect(await code(await token(twinA))).toBe("valid");
    expect(warnings()).toEqual([]);
  });

  it("leaves out a candidate jose cannot verify with (RSA under 2048 bits) and verifies with the other", async () => {
    const good = await createTestKey("RS256", "mixed");
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const smallJwk = { ...small.publicKey.export({ format: "jwk" }), kid: "mixed", alg: "RS256", use: "sig" };
    const { idp, token, code } = await logged([good]);
    idp.setKeys([smallJwk as JWK, good.publicJwk]);
    expect(await code(await token(good))).toBe("valid");
    expect(await code(rs256(small.privateKey, "mixed", idp.issuer))).toBe("signature_invalid");
  });

  it("refuses a kid with more than MAX_KID_CANDIDATES keys under it (key_not_found), so a token costs a bounded number of checks", async () => {
    const many = await Promise.all(
      Array.from({ length: MAX_KID_CANDIDATES + 1 }, () => createTestKey("ES256", "crowd")),
    );
    const { token, code } = await logged(many);
    expect(await code(await token(many[0] as TestKey))).toBe("key_not_found");
    const { token: fewer, code: fewerCode } = await logged(many.slice(0, MAX_KID_CANDIDATES));
    expect(await fewerCode(await fewer(many[MAX_KID_CANDIDATES - 1] as TestKey))).toBe("valid");
  });

  it("still refuses a token without kid when several keys fit its alg (key_not_found)", async () => {
    const { token, code } = await logged([twinA, twinB]);
    expect(await code(await token(twinA, { kid: undefined }))).toBe("key_not_found");
  });
});

describe("when the IdP is down", () => {
  it("keeps verifying with the cached keys once their TTL has passed", async () => {
    const { idp, cache, clock, token, code } = await setup([rs], { jwks: { ttlMs: 10 * MINUTE } });
    expect(await code(await token(rs))).toBe("valid");
    idp.setMode("down");
    clock.now += 60 * MINUTE;
    expect(await code(await token(rs))).toBe("valid");
    expect(cache.fetchCount(idp.jwksUri)).toBe(2);
  });

  it("tries the IdP again only after the retry delay, serving the cached keys meanwhile", async () => {
    const { idp, cache, clock, token, code } = await setup([rs], {
      jwks: { ttlMs: 10 * MINUTE, retryAfterFailureMs: 5_000 },
    });
    await code(await token(rs));
    idp.setMode("down");
    clock.now += 11 * MINUTE;
    await code(await token(rs));
    await cache.settled(); // the background refresh has failed
    clock.now += 4_000;
    expect(await code(await token(rs))).toBe("valid");
    expect(cache.fetchCount(idp.jwksUri)).toBe(2);
    clock.now += 1_000;
    await code(await token(rs));
    expect(cache.fetchCount(idp.jwksUri)).toBe(3);
  });

  it("stops using cached keys that are older than the TTL plus the longest allowed staleness", async () => {
    const { idp, clock, token, code } = await setup([rs], {
      jwks: { ttlMs: 10 * MINUTE, maxStaleMs: 60 * MINUTE },
    });
    await code(await token(rs));
    idp.setMode("down");
    clock.now += 71 * MINUTE;
    expect(await code(await token(rs))).toBe("jwks_unavailable");
  });

  it("answers jwks_unavailable when no keys were ever fetched", async () => {
    const { idp, token, code } = await setup([rs]);
    idp.setMode("down");
    expect(await code(await token(rs))).toBe("jwks_unavailable");
  });

  it("answers jwks_unavailable, without asking again, for requests within the retry delay of a failure", async () => {
    const { idp, cache, clock, token, code } = await setup([rs], { jwks: { retryAfterFailureMs: 5_000 } });
    idp.setMode("down");
    await code(await token(rs));
    clock.now += 1_000;
    expect(await code(await token(rs))).toBe("jwks_unavailable");
    expect(cache.fetchCount(idp.jwksUri)).toBe(1);
  });

  it("recovers once the IdP is back and the retry delay has passed", async () => {
    const { idp, clock, token, code } = await setup([rs], { jwks: { retryAfterFailureMs: 5_000 } });
    idp.setMode("down");
    await code(await token(rs));
    idp.setMode("up");
    clock.now += 5_000;
    expect(await code(await token(rs))).toBe("valid");
  });

  it("answers jwks_unavailable when the IdP does not answer within the fetch deadline", async () => {
    const { idp, token, code } = await setup([rs], { jwks: { timeoutMs: 150 } });
    idp.setMode("slow");
    expect(await code(await token(rs))).toBe("jwks_unavailable");
  });

  it("answers jwks_unavailable when the IdP answers something that is not a key set", async () => {
    const { idp, token, code } = await setup([rs]);
    idp.setMode("garbage");
    expect(await code(await token(rs))).toBe("jwks_unavailable");
  });

  it("answers key_not_found for an unknown kid when the re-fetch fails: keys are cached, only the kid is unknown", async () => {
    const { idp, clock, token, code } = await setup([rs]);
    await code(await token(rs));
    idp.setMode("down");
    clock.now += 31_000;
    expect(await code(await token(other))).toBe("key_not_found");
  });

  it("gives the request that triggers a failing re-fetch, its waiters and later requests the same key_not_found", async () => {
    const { idp, cache, clock, token, code } = await setup([rs]);
    await code(await token(rs));
    idp.setMode("down");
    clock.now += 31_000;
    const tokens = await Promise.all(Array.from({ length: 5 }, () => token(other)));
    expect(await Promise.all(tokens.map(code))).toEqual(Array(5).fill("key_not_found"));
    clock.now += 1_000; // within the cool-down and the retry delay
    expect(await code(await token(other))).toBe("key_not_found");
    expect(cache.fetchCount(idp.jwksUri)).toBe(2);
  });
});

/** Milliseconds `fn` took. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

describe("keys past the background window (TTL + revalidateMs)", () => {
  // A Lambda container is frozen between invocations, so a background refresh may never finish under
  // sparse traffic: past the window, the request waits for the refresh itself.
  const WINDOW = { ttlMs: 10 * MINUTE, revalidateMs: 10 * MINUTE };

  /** Keys fetched, then the IdP swaps `rs` for `rotated`, and the clock moves `minutes` on. */
  async function rotatedAfter(minutes: number) {
    const s = await setup([rs], { jwks: WINDOW });
    expect(await s.code(await s.token(rs))).toBe("valid");
    s.idp.setKeys([rotated.publicJwk]);
    s.clock.now += minutes * MINUTE;
    return s;
  }

  it("waits for the refresh, so a key the IdP has withdrawn is refused at once", async () => {
    const { token, code } = await rotatedAfter(21);
    expect(await code(await token(rs))).toBe("key_not_found");
    expect(await code(await token(rotated))).toBe("valid");
  });

  it("still answers at once from the old keys inside the window", async () => {
    const { token, code } = await rotatedAfter(15);
    expect(await code(await token(rs))).toBe("valid");
  });

  it("uses the old keys when that refresh fails, within the fetch deadline (well inside the edge's 2 s)", async () => {
    const { idp, clock, token, code } = await setup([rs], {
      jwks: { ...WINDOW, timeoutMs: 500 },
    });
    expect(await code(await token(rs))).toBe("valid");
    idp.setMode("slow");
    clock.now += 21 * MINUTE;
    const t = await token(rs);
    const { value, ms } = await timed(() => code(t));
    expect(value).toBe("valid");
    expect(ms).toBeLessThan(2000);
  });
});

describe("when the IdP accepts connections and never answers", () => {
  it("answers at once from the cached keys once their TTL has passed, refreshing in the background", async () => {
    const { idp, cache, clock, token, code } = await setup([rs], { jwks: { ttlMs: 10 * MINUTE } });
    expect(await code(await token(rs))).toBe("valid");
    idp.setMode("slow");
    clock.now += 11 * MINUTE;
    const t = await token(rs);
    const { value, ms } = await timed(() => code(t));
    expect(value).toBe("valid");
    expect(ms).toBeLessThan(500);
    expect(cache.fetchCount(idp.jwksUri)).toBe(2); // the refresh was started, not waited for
  });

  it("answers many concurrent requests at once from the cached keys while one refresh hangs", async () => {
    const { idp, cache, clock, token, code } = await setup([rs, es], { jwks: { ttlMs: 10 * MINUTE } });
    await code(await token(rs));
    idp.setMode("slow");
    clock.now += 11 * MINUTE;
    const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => token(i % 2 ? rs : es)));
    const { value, ms } = await timed(() => Promise.all(tokens.map(code)));
    expect(new Set(value)).toEqual(new Set(["valid"]));
    expect(ms).toBeLessThan(500);
    expect(cache.fetchCount(idp.jwksUri)).toBe(2);
  });

  it("answers from the discovered JWKS URI's cached keys at once too (discovery is not asked on TTL)", async () => {
    const { idp, clock, token, code } = await setup([rs], {
      jwksUri: undefined,
      jwks: { ttlMs: 10 * MINUTE },
    });
    expect(await code(await token(rs))).toBe("valid");
    idp.setMode("slow");
    clock.now += 11 * MINUTE;
    const t = await token(rs);
    const { value, ms } = await timed(() => code(t));
    expect(value).toBe("valid");
    expect(ms).toBeLessThan(500);
  });

  it("answers an unknown kid with key_not_found within the deadline (1.5 s), well inside the edge's 2 s", async () => {
    const { idp, cache, clock, token, code } = await setup([rs]);
    await code(await token(rs));
    idp.setMode("slow");
    clock.now += 31_000; // past the cool-down: the unknown kid may wait for one re-fetch
    const t = await token(other);
    const { value, ms } = await timed(() => code(t));
    expect(value).toBe("key_not_found");
    expect(ms).toBeLessThan(1_900);
    expect(cache.fetchCount(idp.jwksUri)).toBe(2);
  });

  it("answers jwks_unavailable within one deadline for discovery and JWKS together on a cold start", async () => {
    // Discovery answers after 1 s, then the JWKS hangs: one 1.5 s deadline covers both (not 1 s + 1.5 s).
    const { idp, token, code } = await setup([rs], { jwksUri: undefined });
    idp.setLatency(1_000);
    idp.setJwksMode("slow");
    const t = await token(rs);
    const { value, ms } = await timed(() => code(t));
    expect(value).toBe("jwks_unavailable");
    expect(idp.discoveryHits).toBe(1);
    expect(ms).toBeLessThan(1_900);
  });
});

describe("the discovered JWKS URI", () => {
  it("is cached: a refresh after the TTL fetches the JWKS without asking discovery again", async () => {
    const { idp, cache, clock, token, code } = await setup([rs], {
      jwksUri: undefined,
      jwks: { ttlMs: 10 * MINUTE },
    });
    await code(await token(rs));
    clock.now += 11 * MINUTE;
    expect(await code(await token(rs))).toBe("valid");
    await cache.settled();
    expect(idp.jwksHits).toBe(2);
    expect(idp.discoveryHits).toBe(1);
  });

  it("is asked for again when the JWKS answers 404, and the keys are followed to their new URI", async () => {
    const { idp, cache, clock, token, code } = await setup([rs], {
      jwksUri: undefined,
      jwks: { ttlMs: 10 * MINUTE },
    });
    await code(await token(rs));
    idp.moveJwks("/protocol/openid-connect/certs-v2");
    idp.setKeys([rs.publicJwk, rotated.publicJwk]);
    clock.now += 11 * MINUTE;
    expect(await code(await token(rs))).toBe("valid"); // stale keys at once; the refresh finds the move
    await cache.settled();
    expect(idp.discoveryHits).toBe(2);
    expect(cache.fetchCount(idp.jwksUri)).toBe(1);
    const hits = idp.jwksHits;
    expect(await code(await token(rotated))).toBe("valid"); // from the new URI, without another fetch
    expect(idp.jwksHits).toBe(hits);
  });

  it("is where an unknown kid asks again when the same request's long-stale refresh followed the keys to a new URI", async () => {
    const { idp, cache, clock, token, code } = await setup([rs], {
      jwksUri: undefined,
      jwks: { ttlMs: 10 * MINUTE, revalidateMs: 10 * MINUTE, cooldownMs: 0 },
    });
    await code(await token(rs));
    idp.moveJwks("/protocol/openid-connect/certs-v2");
    clock.now += 21 * MINUTE; // past the background window: the request waits for the refresh
    // The refresh finds the move (discovery asked once more); the kid is in neither set.
    expect(await code(await token(other))).toBe("key_not_found");
    await cache.settled();
    // The re-fetch for the unknown kid went to the new URI, not to the old one and discovery again.
    expect(idp.discoveryHits).toBe(2);
    expect(cache.fetchCount(idp.jwksUri)).toBe(2);
  });

  it("keeps the cached keys when the JWKS fails and discovery names the same URI", async () => {
    const { idp, cache, clock, token, code } = await setup([rs], {
      jwksUri: undefined,
      jwks: { ttlMs: 10 * MINUTE },
    });
    await code(await token(rs));
    idp.setJwksMode("down");
    clock.now += 11 * MINUTE;
    expect(await code(await token(rs))).toBe("valid");
    await cache.settled();
    expect(idp.discoveryHits).toBe(2);
    expect(await code(await token(rs))).toBe("valid");
  });
});

describe("the time a token is checked at", () => {
  /** A validator whose clock moves a minute forward when the IdP serves the JWKS: the fetch "took" a minute. */
  async function slowKeyFetch() {
    const idp = await startIssuerWith([es]);
    issuers.push(idp);
    const validator = createValidator({
      issuer: idp.issuer,
      audience: AUDIENCE,
      jwksUri: idp.jwksUri,
      jwksCache: new JwksCache(),
      clockToleranceSeconds: 0,
      clock: () => NOW_MS + idp.jwksHits * MINUTE,
    });
    return { idp, validator };
  }

  it("is read once the key is at hand: a slow key fetch counts against the token's remaining life", async () => {
    const { idp, validator } = await slowKeyFetch();
    const result = await validator.validate(await goodToken(es, idp.issuer, { exp: NOW_S + 90 }));
    expect(result).toMatchObject({ valid: true, expiresIn: 30 });
  });

  it("refuses as expired a token that expired while its key was being fetched", async () => {
    const { idp, validator } = await slowKeyFetch();
    const result = await validator.validate(await goodToken(es, idp.issuer, { exp: NOW_S + 30 }));
    expect(result.valid || result.error.code).toBe("token_expired");
  });
});

describe("tokens at the fixed test time", () => {
  it("are signed with NOW_S as iat (the fixture's clock is the validator's clock)", async () => {
    const { validator, token } = await setup([rs]);
    const result = await validator.validate(await token(rs));
    expect(result.valid && result.claims.iat).toBe(NOW_S);
  });
});

/** An RS256 token signed with node:crypto (jose refuses to sign with an RSA key under 2048 bits). */
function rs256(
  privateKey: ReturnType<typeof generateKeyPairSync>["privateKey"],
  kid: string,
  issuer: string,
) {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const input = `${b64({ alg: "RS256", typ: "JWT", kid })}.${b64({ iss: issuer, aud: AUDIENCE, sub: "alice", iat: NOW_S, exp: NOW_S + 300 })}`;
  return `${input}.${createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url")}`;
}

describe("published keys that cannot be used", () => {
  /** A validator whose IdP publishes `jwks` beside the good RS256 key, logging to `lines`. */
  async function withPublished(jwks: JWK[]) {
    const idp = await startIssuerWith([rs]);
    issuers.push(idp);
    idp.setKeys([rs.publicJwk, ...jwks]);
    const lines = logLines();
    const validator = createValidator({
      issuer: idp.issuer,
      audience: AUDIENCE,
      jwksUri: idp.jwksUri,
      jwksCache: new JwksCache(),
      clock: () => NOW_MS,
      logger: createLogger({}, { sink: lines.sink }),
    });
    const code = async (t: string) => {
      const r = await validator.validate(t);
      return r.valid ? "valid" : r.error.code;
    };
    return { idp, lines, code };
  }

  it("refuses a token for a published RSA key under 2048 bits with key_not_found and logs why", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const small = { ...publicKey.export({ format: "jwk" }), kid: "small", alg: "RS256", use: "sig" } as JWK;
    const { idp, lines, code } = await withPublished([small]);
    expect(await code(rs256(privateKey, "small", idp.issuer))).toBe("key_not_found");
    expect(lines.parsed()).toContainEqual(
      expect.objectContaining({
        message: "unusable key",
        kid: "small",
        problem: expect.stringMatching(/1024 bits/),
      }),
    );
  });

  it("refuses a token for a published RSA key with a broken modulus with key_not_found", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const { idp, code } = await withPublished([{ ...rs.publicJwk, kid: "broken", n: "AQAB" }]);
    expect(await code(rs256(privateKey, "broken", idp.issuer))).toBe("key_not_found");
  });

  it("refuses a token for a published EC key that does not import with key_not_found", async () => {
    const { idp, lines, code } = await withPublished([{ ...es.publicJwk, x: es.publicJwk.y }]);
    expect(await code(await goodToken(es, idp.issuer))).toBe("key_not_found");
    expect(lines.parsed()).toContainEqual(expect.objectContaining({ message: "unusable key", kid: es.kid }));
  });

  it("logs an unusable key once per key set, not once per request", async () => {
    const { idp, lines, code } = await withPublished([{ ...es.publicJwk, x: es.publicJwk.y }]);
    const t = await goodToken(es, idp.issuer);
    await code(t);
    await code(t);
    expect(lines.parsed().filter((l) => l.message === "unusable key")).toHaveLength(1);
  });

  it("keeps verifying with the set's good keys", async () => {
    const { idp, code } = await withPublished([{ ...rs.publicJwk, kid: "broken", n: "AQAB" }]);
    expect(await code(await goodToken(rs, idp.issuer))).toBe("valid");
  });
});
