import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { compileRules } from "../src/rules.js";
import {
  type HmacSha256,
  MAX_SESSION_TOKEN_SECONDS,
  mintSessionToken,
  parseSessionKey,
  type SessionClaims,
  type SessionKey,
  SessionTokenError,
  sessionRoles,
  sessionTokenKid,
  verifySessionToken,
} from "../src/session-token.js";

const hmac: HmacSha256 = (secret, data) => createHmac("sha256", secret).update(data).digest("base64url");
const newKey = (kid: string): SessionKey => ({ kid, secret: randomBytes(32).toString("base64url") });
const NOW = 1_750_000_000;
const claims: SessionClaims = { sub: "9f1c-alice", roles: ["staff"], exp: NOW + 300, refresh: true };
const current = newKey("k2");
const previous = newKey("k1");
const keys = { current, previous };

/** The token's parts, to build altered ones. */
function parts(token: string): [string, string, string, string] {
  return token.split(".") as [string, string, string, string];
}

/** A token signed (correctly) over any payload text: what a holder of the key could mint. */
function signedOver(payloadJson: string, key = current): string {
  const payload = Buffer.from(payloadJson).toString("base64url");
  const signed = `v1.${key.kid}.${payload}`;
  return `${signed}.${hmac(key.secret, signed)}`;
}

describe("mintSessionToken and verifySessionToken", () => {
  it("a minted token verifies to its claims under the current key", () => {
    const token = mintSessionToken(claims, current, hmac, NOW);
    expect(token).toMatch(/^v1\.k2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifySessionToken(token, keys, hmac, NOW)).toEqual({ kind: "valid", ...claims });
  });

  it("the payload is the base64url of the documented JSON", () => {
    const token = mintSessionToken(claims, current, hmac, NOW);
    expect(JSON.parse(Buffer.from(parts(token)[2], "base64url").toString())).toEqual({
      sub: "9f1c-alice",
      roles: ["staff"],
      exp: NOW + 300,
      rt: true,
    });
  });

  it("a token signed with the previous key still verifies (rotation logs no one out)", () => {
    const token = mintSessionToken(claims, previous, hmac, NOW);
    expect(verifySessionToken(token, keys, hmac, NOW).kind).toBe("valid");
  });

  it("a token whose key was rotated out entirely names an unknown kid", () => {
    const token = mintSessionToken(claims, previous, hmac, NOW);
    expect(verifySessionToken(token, { current: newKey("k3"), previous: current }, hmac, NOW)).toEqual({
      kind: "key_not_found",
    });
  });

  it("a token signed by a foreign key under a known kid has a bad signature", () => {
    const foreign = { kid: "k2", secret: newKey("x").secret };
    const token = mintSessionToken(claims, foreign, hmac, NOW);
    expect(verifySessionToken(token, keys, hmac, NOW)).toEqual({ kind: "signature_invalid" });
  });

  it("a token of a kid no key has is refused as unknown_kid", () => {
    const token = mintSessionToken(claims, newKey("other"), hmac, NOW);
    expect(verifySessionToken(token, keys, hmac, NOW)).toEqual({ kind: "key_not_found" });
  });

  it("with no keys at all nothing verifies", () => {
    const token = mintSessionToken(claims, current, hmac, NOW);
    expect(verifySessionToken(token, {}, hmac, NOW)).toEqual({ kind: "key_not_found" });
  });

  it("a token past exp is expired, with its claims (refresh or login is the caller's choice)", () => {
    const token = mintSessionToken(claims, current, hmac, NOW);
    expect(verifySessionToken(token, keys, hmac, NOW + 300)).toEqual({ kind: "token_expired", ...claims });
    expect(verifySessionToken(token, keys, hmac, NOW + 299).kind).toBe("valid");
  });

  it("an altered payload (roles added, exp extended) breaks the signature", () => {
    const token = mintSessionToken({ ...claims, roles: [] }, current, hmac, NOW);
    const [v, kid, , sig] = parts(token);
    for (const forged of [
      { ...claims, roles: ["staff"] },
      { ...claims, roles: [], exp: NOW + 3000 },
      { ...claims, roles: [], sub: "bob" },
    ]) {
      const payload = Buffer.from(
        JSON.stringify({ sub: forged.sub, roles: forged.roles, exp: forged.exp, rt: true }),
      ).toString("base64url");
      expect(verifySessionToken(`${v}.${kid}.${payload}.${sig}`, keys, hmac, NOW)).toEqual({
        kind: "signature_invalid",
      });
    }
  });

  it("every single-character change of a token is refused", () => {
    const token = mintSessionToken(claims, current, hmac, NOW);
    for (let i = 0; i < token.length; i++) {
      const c = token[i] === "A" ? "B" : "A";
      const altered = token.slice(0, i) + c + token.slice(i + 1);
      expect(verifySessionToken(altered, keys, hmac, NOW).kind, `position ${i}`).not.toBe("valid");
    }
  });

  it("moving the signature to another kid does not verify (the kid is signed)", () => {
    const token = mintSessionToken(claims, current, hmac, NOW);
    const [v, , payload, sig] = parts(token);
    expect(verifySessionToken(`${v}.k1.${payload}.${sig}`, keys, hmac, NOW)).toEqual({
      kind: "signature_invalid",
    });
  });

  it.each([
    ["empty", ""],
    ["not a token", "hello"],
    ["three parts", "v1.k2.abc"],
    ["five parts", "v1.k2.abc.def.ghi"],
    ["other version", "v2.k2.eyJ9.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["bad kid characters", "v1.k+2.eyJ9.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["signature too short", "v1.k2.eyJ9.AAAA"],
    ["padding", "v1.k2.eyJ9=.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["over the length cap", `v1.k2.${"A".repeat(5000)}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`],
  ])("a malformed value (%s) is refused as malformed", (_, token) => {
    expect(verifySessionToken(token, keys, hmac, NOW)).toEqual({ kind: "token_malformed" });
  });

  it("a non-string cookie value is malformed, not a crash", () => {
    expect(verifySessionToken(undefined as unknown as string, keys, hmac, NOW)).toEqual({
      kind: "token_malformed",
    });
  });

  it.each([
    ["not JSON", "{"],
    ["an array", "[]"],
    ["a missing field", JSON.stringify({ sub: "a", roles: [], exp: NOW + 60 })],
    ["an extra field", JSON.stringify({ sub: "a", roles: [], exp: NOW + 60, rt: false, admin: true })],
    ["a string exp", JSON.stringify({ sub: "a", roles: [], exp: String(NOW + 60), rt: false })],
    ["a fractional exp", JSON.stringify({ sub: "a", roles: [], exp: NOW + 60.5, rt: false })],
    ["a role that is not a string", JSON.stringify({ sub: "a", roles: [1], exp: NOW + 60, rt: false })],
    ["duplicate roles", JSON.stringify({ sub: "a", roles: ["x", "x"], exp: NOW + 60, rt: false })],
    ["an empty subject", JSON.stringify({ sub: "", roles: [], exp: NOW + 60, rt: false })],
    [
      "a far-future exp",
      JSON.stringify({ sub: "a", roles: [], exp: NOW + MAX_SESSION_TOKEN_SECONDS + 1, rt: false }),
    ],
    ["invalid UTF-8", "\u00ff"],
  ])("a correctly signed payload with %s is still refused as malformed", (_, json) => {
    const token =
      json === "\u00ff"
        ? (() => {
            const payload = Buffer.from([0xff, 0xfe]).toString("base64url");
            const signed = `v1.${current.kid}.${payload}`;
            return `${signed}.${hmac(current.secret, signed)}`;
          })()
        : signedOver(json);
    expect(verifySessionToken(token, keys, hmac, NOW)).toEqual({ kind: "token_malformed" });
  });

  it("a payload with non-zero stray bits in its last character is malformed (one text per payload)", () => {
    const payload = Buffer.from(JSON.stringify({ sub: "a", roles: [], exp: NOW + 60, rt: false })).toString(
      "base64url",
    );
    // 62 bytes → 83 characters, the last carrying 2 stray bits; flip them on.
    const last = payload.at(-1) as string;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    if (payload.length % 4 === 0) return;
    const bumped = payload.slice(0, -1) + alphabet[alphabet.indexOf(last) + 1];
    const signed = `v1.${current.kid}.${bumped}`;
    expect(verifySessionToken(`${signed}.${hmac(current.secret, signed)}`, keys, hmac, NOW)).toEqual({
      kind: "token_malformed",
    });
  });

  it("subjects and roles outside ASCII round-trip", () => {
    const token = mintSessionToken({ ...claims, sub: "zoë 🦊", roles: ["équipe"] }, current, hmac, NOW);
    expect(verifySessionToken(token, keys, hmac, NOW)).toMatchObject({
      kind: "valid",
      sub: "zoë 🦊",
      roles: ["équipe"],
    });
  });

  it.each([
    ["an exp not after now", { ...claims, exp: NOW }],
    ["an exp beyond the cap", { ...claims, exp: NOW + MAX_SESSION_TOKEN_SECONDS + 1 }],
    ["an empty subject", { ...claims, sub: "" }],
    ["too many roles", { ...claims, roles: Array.from({ length: 33 }, (_, i) => `r${i}`) }],
  ])("minting with %s throws session_claims_invalid", (_, bad) => {
    expect(() => mintSessionToken(bad, current, hmac, NOW)).toThrow(
      expect.objectContaining({ code: "session_claims_invalid" }),
    );
  });

  it.each([
    ["a short secret", { kid: "k", secret: "short" }],
    ["a kid with a dot", { kid: "k.1", secret: current.secret }],
  ])("minting with %s throws session_key_invalid", (_, key) => {
    expect(() => mintSessionToken(claims, key, hmac, NOW)).toThrow(SessionTokenError);
  });

  it("keys with a short secret are never used to verify", () => {
    const weak = { kid: "weak", secret: "a".repeat(42) };
    const signed = `v1.weak.${Buffer.from(JSON.stringify({ sub: "a", roles: [], exp: NOW + 60, rt: false })).toString("base64url")}`;
    const token = `${signed}.${hmac(weak.secret, signed)}`;
    expect(verifySessionToken(token, { current: weak }, hmac, NOW)).toEqual({ kind: "key_not_found" });
  });
});

describe("sessionTokenKid", () => {
  it("names the kid of a token-shaped value and nothing otherwise", () => {
    expect(sessionTokenKid(mintSessionToken(claims, previous, hmac, NOW))).toBe("k1");
    expect(sessionTokenKid("v1..x.y")).toBeUndefined();
    expect(sessionTokenKid("garbage")).toBeUndefined();
  });
});

describe("parseSessionKey", () => {
  it("reads <kid>:<secret>", () => {
    expect(parseSessionKey(`k9:${current.secret}`)).toEqual({ kid: "k9", secret: current.secret });
  });

  it.each([
    ["no colon", current.secret],
    ["empty kid", `:${current.secret}`],
    ["short secret", "k9:abc"],
    ["secret with other characters", `k9:${current.secret.slice(1)}=`],
    ["not a string", 42],
  ])("refuses %s", (_, value) => {
    expect(parseSessionKey(value)).toBeUndefined();
  });
});

describe("sessionRoles", () => {
  it("keeps only the roles the rules name", () => {
    const rules = compileRules({
      publicPaths: ["/public/*"],
      requiredRoles: { "/staff/*": ["staff"], "/ops/*": ["ops", "staff"] },
      indexDocument: "index.html",
    });
    expect(sessionRoles(new Set(["offline_access", "staff", "uma_authorization"]), rules)).toEqual(["staff"]);
    expect(sessionRoles(new Set(["ops", "staff"]), rules)).toEqual(["staff", "ops"]);
  });
});
