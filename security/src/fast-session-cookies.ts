import { createHmac } from "node:crypto";
import { mintSessionToken, type SessionKey } from "@static-sso/authz-core";
import { hmac } from "./fast-target.js";

/**
 * Session cookie values (`v1.<kid>.<payload>.<sig>`, authz-core's session-token.ts) put together by
 * hand: an attacker writes them byte for byte, no minting code would produce most of them.
 */

/** The keys in play: the store's current and previous, one rotated out of it, and the attacker's own. */
export interface CookieKeys {
  current: SessionKey;
  previous: SessionKey;
  retired: SessionKey;
  attacker: SessionKey;
}

const b64 = (text: string) => Buffer.from(text).toString("base64url");
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The payload's JSON text as the edge writes it: sub, roles, exp, rt, in that order. */
export function payloadText(claims: { sub?: string; roles?: string[]; exp?: number; rt?: boolean } = {}) {
  return JSON.stringify({ sub: "bob-id", roles: [], exp: nowSeconds() + 300, rt: true, ...claims });
}

/** `v1.<kid>.<payload>` signed with `secret` exactly as given (HMAC-SHA256, base64url). */
export function signSession(secret: string, kid: string, payload: string): string {
  const signed = `v1.${kid}.${b64(payload)}`;
  return `${signed}.${hmac(secret, signed)}`;
}

/** A cookie the edge would really mint with `key` (the control cases, and the base of alterations). */
export function genuine(
  key: SessionKey,
  claims: { sub?: string; roles?: string[]; exp?: number; refresh?: boolean } = {},
): string {
  const exp = claims.exp ?? nowSeconds() + 300;
  return mintSessionToken(
    { sub: claims.sub ?? "bob-id", roles: claims.roles ?? [], exp, refresh: claims.refresh ?? true },
    key,
    hmac,
    Math.min(nowSeconds(), exp - 60),
  );
}

/** A cookie's payload replaced by `payload` (JSON text), the original signature kept. */
export function withPayload(cookie: string, payload: string): string {
  const [v, kid, , sig] = cookie.split(".");
  return `${v}.${kid}.${b64(payload)}.${sig}`;
}

/** What the site must answer: login (302 for a page load, 401 for fetch), a refresh, or 403. */
export type Refusal = "login" | "refresh" | "forbidden";

export interface CookieAttack {
  name: string;
  /** The session cookie's values, in the order sent: two or more is the cookie sent twice. */
  values: (k: CookieKeys) => string[];
  /** Default `/docs/` (any signed-in user). */
  uri?: string;
  refusal: Refusal;
}

const one = (make: (k: CookieKeys) => string) => (k: CookieKeys) => [make(k)];

export const COOKIE_ATTACKS: CookieAttack[] = [
  // Forged: the attacker holds no key the store trusts.
  {
    name: "forged: signed with the attacker's secret under the current kid",
    values: one((k) => signSession(k.attacker.secret, k.current.kid, payloadText({ roles: ["staff"] }))),
    uri: "/staff/",
    refusal: "login",
  },
  {
    name: "forged: no signature at all (empty fourth part)",
    values: one((k) => `v1.${k.current.kid}.${b64(payloadText())}.`),
    refusal: "login",
  },
  {
    name: "forged: three parts only",
    values: one((k) => `v1.${k.current.kid}.${b64(payloadText())}`),
    refusal: "login",
  },
  // Altered after signing: the edge's signature kept, the payload changed.
  {
    name: "altered payload: roles widened from none to staff",
    values: one((k) => withPayload(genuine(k.current), payloadText({ roles: ["staff"] }))),
    uri: "/staff/",
    refusal: "login",
  },
  {
    name: "altered payload: another subject",
    values: one((k) => withPayload(genuine(k.current), payloadText({ sub: "alice-id" }))),
    refusal: "login",
  },
  {
    name: "altered payload: an expired session's exp moved into the future",
    values: one((k) => {
      const exp = nowSeconds() - 60;
      return withPayload(genuine(k.current, { exp }), payloadText({ exp: exp + 3600 }));
    }),
    refusal: "login",
  },
  {
    name: "altered payload: rt set on an expired session without a refresh token (to be sent to refresh)",
    values: one((k) => {
      const exp = nowSeconds() - 60;
      return withPayload(genuine(k.current, { exp, refresh: false }), payloadText({ exp, rt: true }));
    }),
    refusal: "login",
  },
  {
    name: "altered payload: roles given twice (none, then staff)",
    values: one((k) => {
      const text = payloadText().replace('"roles":[]', '"roles":[],"roles":["staff"]');
      return withPayload(genuine(k.current), text);
    }),
    uri: "/staff/",
    refusal: "login",
  },
  {
    name: "altered signature: one character changed",
    values: one((k) => {
      const cookie = genuine(k.current);
      return cookie.slice(0, -1) + (cookie.endsWith("A") ? "B" : "A");
    }),
    refusal: "login",
  },
  {
    name: "altered signature: the signature of another genuine cookie",
    values: one((k) => {
      const sig = genuine(k.current, { sub: "mallory-id" }).split(".")[3];
      const [v, kid, payload] = genuine(k.current).split(".");
      return `${v}.${kid}.${payload}.${sig}`;
    }),
    refusal: "login",
  },
  // Expired: genuine, past exp.
  {
    name: "expired, with a refresh token at the edge",
    values: one((k) => genuine(k.current, { exp: nowSeconds() - 60, refresh: true })),
    refusal: "refresh",
  },
  {
    name: "expired, without a refresh token",
    values: one((k) => genuine(k.current, { exp: nowSeconds() - 60, refresh: false })),
    refusal: "login",
  },
  // Keys the store does not hold (now).
  {
    name: "a foreign kid: the attacker's own key and kid",
    values: one((k) => genuine(k.attacker, { roles: ["staff"] })),
    uri: "/staff/",
    refusal: "login",
  },
  {
    name: "a foreign kid: the real secret under a kid the store does not have",
    values: one((k) => signSession(k.current.secret, "k-other", payloadText())),
    refusal: "login",
  },
  {
    name: "the previous key after it was rotated out of the store",
    values: one((k) => genuine(k.retired)),
    refusal: "login",
  },
  // alg-style tricks: other versions, other algorithms, other encodings, a JWT where the cookie goes.
  {
    name: "version v0",
    values: one((k) => genuine(k.current).replace(/^v1\./, "v0.")),
    refusal: "login",
  },
  {
    name: "version V1 (case)",
    values: one((k) => `V${genuine(k.current).slice(1)}`),
    refusal: "login",
  },
  {
    name: 'a JWT-style header {"alg":"none"} in place of v1.kid',
    values: one(() => `${b64('{"alg":"none","typ":"JWT"}')}.${b64(payloadText())}.`),
    refusal: "login",
  },
  {
    name: "kid none with an empty signature",
    values: one(() => `v1.none.${b64(payloadText())}.`),
    refusal: "login",
  },
  {
    name: "HMAC-SHA1 under the real key (a shorter signature)",
    values: one((k) => {
      const signed = `v1.${k.current.kid}.${b64(payloadText())}`;
      return `${signed}.${createHmac("sha1", k.current.secret).update(signed).digest("base64url")}`;
    }),
    refusal: "login",
  },
  {
    name: "HMAC-SHA512 under the real key (a longer signature)",
    values: one((k) => {
      const signed = `v1.${k.current.kid}.${b64(payloadText())}`;
      return `${signed}.${createHmac("sha512", k.current.secret).update(signed).digest("base64url")}`;
    }),
    refusal: "login",
  },
  {
    name: "HMAC-SHA256 with an empty secret",
    values: one((k) => signSession("", k.current.kid, payloadText())),
    refusal: "login",
  },
  {
    name: "HMAC-SHA256 with the kid as the secret",
    values: one((k) => signSession(k.current.kid, k.current.kid, payloadText())),
    refusal: "login",
  },
  {
    name: "the genuine signature in standard base64 with padding",
    values: one((k) => {
      const [v, kid, payload, sig = ""] = genuine(k.current).split(".");
      return `${v}.${kid}.${payload}.${Buffer.from(sig, "base64url").toString("base64")}`;
    }),
    refusal: "login",
  },
  {
    name: "five parts (a trailing part after the signature)",
    values: one((k) => `${genuine(k.current)}.AAAA`),
    refusal: "login",
  },
  {
    name: "a kid with path traversal",
    values: one((k) => signSession(k.current.secret, "../k-current", payloadText())),
    refusal: "login",
  },
  // Claims the format does not allow, even under the real key.
  {
    name: "a claim the format does not have (admin: true), signed with the real key",
    values: one((k) =>
      signSession(k.current.secret, k.current.kid, payloadText().replace("}", ',"admin":true}')),
    ),
    refusal: "login",
  },
  {
    name: "exp more than 24 h ahead, signed with the real key",
    values: one((k) =>
      signSession(k.current.secret, k.current.kid, payloadText({ exp: nowSeconds() + 90_000 })),
    ),
    refusal: "login",
  },
  // Oversize.
  {
    name: "oversize: over 2048 characters, signed with the real key",
    values: one((k) => signSession(k.current.secret, k.current.kid, payloadText({ sub: "x".repeat(2100) }))),
    refusal: "login",
  },
  {
    name: "oversize: 8 KiB of base64url",
    values: one(() => `v1.k.${"A".repeat(8192)}.${"A".repeat(43)}`),
    refusal: "login",
  },
  // The cookie sent twice: the first counts, in both runtimes.
  {
    name: "duplicate cookies: a forged staff cookie first, bob's genuine one second",
    values: (k) => [
      signSession(k.attacker.secret, k.current.kid, payloadText({ roles: ["staff"] })),
      genuine(k.current),
    ],
    uri: "/staff/",
    refusal: "login",
  },
  {
    name: "duplicate cookies: bob's genuine one first, a forged staff cookie second",
    values: (k) => [
      genuine(k.current),
      signSession(k.attacker.secret, k.current.kid, payloadText({ roles: ["staff"] })),
    ],
    uri: "/staff/",
    refusal: "forbidden",
  },
  {
    name: "duplicate cookies: bob's genuine one first, alice's genuine staff cookie second",
    values: (k) => [genuine(k.current), genuine(k.current, { sub: "alice-id", roles: ["staff"] })],
    uri: "/staff/",
    refusal: "forbidden",
  },
  // Roles widened by a cookie the edge really minted for the wrong user: only the first value counts.
  {
    name: "roles widened: bob's genuine cookie (no roles) on /staff/",
    values: one((k) => genuine(k.current)),
    uri: "/staff/",
    refusal: "forbidden",
  },
];
