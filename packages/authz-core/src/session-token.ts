import { percentEscape } from "./canonical-path.js";
import type { AccessRules } from "./rules.js";
import { SessionTokenError } from "./session-token-error.js";
import {
  MAX_KID_LENGTH,
  MAX_ROLE_LENGTH,
  MAX_ROLES,
  MAX_SECRET_LENGTH,
  MAX_SESSION_TOKEN_LENGTH,
  MAX_SESSION_TOKEN_SECONDS,
  MAX_SUBJECT_LENGTH,
  MIN_SECRET_LENGTH,
  SESSION_TOKEN_VERSION,
  SIGNATURE_LENGTH,
} from "./session-token-limits.js";

// Its own module (the function bundle drops it, see session-check's build); still exported from here.
export {
  MAX_ROLE_LENGTH,
  MAX_ROLES,
  MAX_SESSION_TOKEN_LENGTH,
  MAX_SESSION_TOKEN_SECONDS,
  MAX_SUBJECT_LENGTH,
  MIN_SECRET_LENGTH,
  SESSION_TOKEN_VERSION,
  SessionTokenError,
};

/**
 * The compact session cookie the edge mints after a login or a refresh and the CloudFront Function checks
 * on every page view: `v1.<kid>.<payload>.<sig>`, where payload is the base64url of a JSON object
 * `{"sub","roles","exp","rt"}` and sig the base64url HMAC-SHA256 of `v1.<kid>.<payload>` under the key
 * named kid. It carries only what the per-request check needs; the IdP's tokens stay with the edge.
 *
 * Pure, no Node built-ins: the HMAC is passed in (Node's and cloudfront-js-2.0's `crypto.createHmac`
 * both give it), and base64url is written by hand because neither `Buffer` nor `atob` exists in every
 * runtime this code is built for.
 */

/** HMAC-SHA256 of `data` (UTF-8) under `secret` (its UTF-8 bytes), as base64url without padding. */
export type HmacSha256 = (secret: string, data: string) => string;

/** A signing key: its id (in the cookie) and its secret (the KeyValueStore value's text). */
export interface SessionKey {
  kid: string;
  secret: string;
}

/** The keys a cookie may be signed with: the one the edge mints with, and the one before it (rotation). */
export interface SessionKeys {
  current?: SessionKey | undefined;
  previous?: SessionKey | undefined;
}

export interface SessionClaims {
  /** The IdP's subject. */
  sub: string;
  /** Only the roles the rules name (see sessionRoles): the cookie stays small and says no more. */
  roles: readonly string[];
  /** Seconds since the epoch; never later than the access token's `exp`. */
  exp: number;
  /** The edge holds a refresh token for this session (its cookie is scoped to /_auth/, so it is unseen here). */
  refresh: boolean;
}

export type SessionTokenCheck =
  | ({ kind: "valid" } & SessionClaims)
  /** Signed by a known key, but past `exp`: worth a refresh when `refresh` is set. */
  | ({ kind: "token_expired" } & SessionClaims)
  | { kind: "signature_invalid" }
  | { kind: "key_not_found" }
  | { kind: "token_malformed" };

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The session cookie's name: `__Host-` so no subdomain and no plain-http page can set it. */
export const sessionCookieName = (cookiePrefix: string): string => {
  return `__Host-${cookiePrefix}-session`;
};

const b64Value = (code: number): number => {
  if (code >= 65 && code <= 90) return code - 65;
  if (code >= 97 && code <= 122) return code - 71;
  if (code >= 48 && code <= 57) return code + 4;
  if (code === 45) return 62;
  if (code === 95) return 63;
  return -1;
};

/** Only base64url characters, between `min` and `max` of them. */
const isBase64url = (text: string, min: number, max: number): boolean =>
  text.length >= min && text.length <= max && !/[^A-Za-z0-9_-]/.test(text);

const isKid = (kid: string): boolean => {
  return isBase64url(kid, 1, MAX_KID_LENGTH);
};

const isKey = (key: SessionKey | undefined): key is SessionKey => {
  return (
    key !== undefined &&
    typeof key.kid === "string" &&
    typeof key.secret === "string" &&
    isKid(key.kid) &&
    isBase64url(key.secret, MIN_SECRET_LENGTH, MAX_SECRET_LENGTH)
  );
};

const base64url = (bytes: readonly number[]): string => {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[n >> 18] + (B64[(n >> 12) & 63] as string);
    if (i + 1 < bytes.length) out += B64[(n >> 6) & 63];
    if (i + 2 < bytes.length) out += B64[n & 63];
  }
  return out;
};

/** UTF-8 bytes through encodeURIComponent (which throws on a lone surrogate: callers catch). */
const utf8 = (text: string): number[] => {
  const escaped = encodeURIComponent(text);
  const out: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    if (escaped.charCodeAt(i) === 37) {
      out.push(Number.parseInt(escaped.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(escaped.charCodeAt(i));
  }
  return out;
};

/**
 * The text a payload encodes: strict base64url (its characters only, no padding, no stray bits, so each
 * byte string has one text) of valid UTF-8; undefined when not base64url, a URIError when not UTF-8.
 * Only verifySessionToken calls it (through decodeClaims), and answers both malformed.
 */
const payloadText = (text: string): string | undefined => {
  if (text.length % 4 === 1) return undefined;
  let escaped = "";
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < text.length; i++) {
    const v = b64Value(text.charCodeAt(i));
    if (v < 0) return undefined;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      escaped += percentEscape((acc >> bits) & 255);
    }
  }
  return (acc & ((1 << bits) - 1)) === 0 ? decodeURIComponent(escaped) : undefined;
};

/**
 * Equal without an early exit: the time taken does not tell an attacker how many leading characters of
 * a forged signature were right. Written by hand because cloudfront-js-2.0 has no timingSafeEqual.
 * Both are base64url of the same length here; a length difference is not a secret.
 */
const constantTimeEqual = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
};

/** A string of 1 to `max` characters. */
const isText = (value: unknown, max: number): boolean =>
  typeof value === "string" && value.length > 0 && value.length <= max;

const validClaims = (c: SessionClaims): boolean => {
  if (!isText(c.sub, MAX_SUBJECT_LENGTH) || !Array.isArray(c.roles) || c.roles.length > MAX_ROLES)
    return false;
  for (let i = 0; i < c.roles.length; i++)
    if (!isText(c.roles[i], MAX_ROLE_LENGTH) || c.roles.indexOf(c.roles[i] as string) !== i) return false;
  // Whole seconds, by ES5 means (cloudfront-js-2.0 does not list Number.isSafeInteger).
  const exp = c.exp;
  return typeof exp === "number" && exp % 1 === 0 && exp > 0 && exp < 1e12 && typeof c.refresh === "boolean";
};

/**
 * The claims of a verified payload (exactly the four fields, of the right types and sizes), as the check's
 * answer: `valid` until verifySessionToken compares `exp` with the time.
 */
const decodeClaims = (payload: string): ({ kind: "valid" | "token_expired" } & SessionClaims) | undefined => {
  const json = payloadText(payload);
  if (json === undefined) return undefined;
  // Throws on text that is not JSON, as payloadText on bytes that are not UTF-8: the caller's catch.
  const raw: unknown = JSON.parse(json);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  let keys = 0;
  for (const _ in o) keys++;
  if (keys !== 4) return undefined;
  const claims = { kind: "valid", sub: o.sub, roles: o.roles, exp: o.exp, refresh: o.rt } as {
    kind: "valid" | "token_expired";
  } & SessionClaims;
  return validClaims(claims) ? claims : undefined;
};

/**
 * Mints a session cookie value. Throws SessionTokenError on a bad key or claims (a bug or a config error
 * at the edge, never a request's doing): an `exp` not after `now` or more than MAX_SESSION_TOKEN_SECONDS
 * after it, a subject or roles out of bounds, a key id or secret of the wrong shape.
 */
export const mintSessionToken = (
  claims: SessionClaims,
  key: SessionKey,
  hmac: HmacSha256,
  now: number,
): string => {
  if (!isKey(key))
    throw new SessionTokenError(
      "session_key_invalid",
      `a key needs a kid of 1-${MAX_KID_LENGTH} base64url characters and a secret of ${MIN_SECRET_LENGTH}-${MAX_SECRET_LENGTH}`,
    );
  if (!validClaims(claims))
    throw new SessionTokenError("session_claims_invalid", "sub, roles, exp or refresh out of bounds");
  if (claims.exp <= now || claims.exp > now + MAX_SESSION_TOKEN_SECONDS)
    throw new SessionTokenError(
      "session_claims_invalid",
      `exp must be after now and at most ${MAX_SESSION_TOKEN_SECONDS} s later`,
    );
  let payload: string;
  try {
    payload = base64url(
      utf8(JSON.stringify({ sub: claims.sub, roles: claims.roles, exp: claims.exp, rt: claims.refresh })),
    );
  } catch {
    throw new SessionTokenError("session_claims_invalid", "sub or roles are not valid Unicode text");
  }
  const signed = `${SESSION_TOKEN_VERSION}.${key.kid}.${payload}`;
  const token = `${signed}.${hmac(key.secret, signed)}`;
  if (token.length > MAX_SESSION_TOKEN_LENGTH)
    throw new SessionTokenError(
      "session_claims_invalid",
      `token over ${MAX_SESSION_TOKEN_LENGTH} characters`,
    );
  return token;
};

/** The key id a cookie value names, if it has the token's shape that far: which key to fetch. */
export const sessionTokenKid = (token: string): string | undefined => {
  if (typeof token !== "string" || token.length > MAX_SESSION_TOKEN_LENGTH) return undefined;
  const parts = token.split(".");
  if (parts.length !== 4 || parts[0] !== SESSION_TOKEN_VERSION || !isKid(parts[1] as string))
    return undefined;
  return parts[1];
};

/**
 * Checks a cookie value against the current and previous keys at `now` (seconds). Never throws: anything
 * that is not a well-formed token signed by one of the keys is refused, and its claims are read only
 * once the signature holds.
 */
export const verifySessionToken = (
  token: string,
  keys: SessionKeys,
  hmac: HmacSha256,
  now: number,
): SessionTokenCheck => {
  try {
    const kid = sessionTokenKid(token);
    if (kid === undefined) return { kind: "token_malformed" };
    const parts = token.split(".");
    const payload = parts[2] as string;
    const signature = parts[3] as string;
    if (
      !isBase64url(payload, 1, MAX_SESSION_TOKEN_LENGTH) ||
      !isBase64url(signature, SIGNATURE_LENGTH, SIGNATURE_LENGTH)
    )
      return { kind: "token_malformed" };
    const key = isKey(keys.current) && keys.current.kid === kid ? keys.current : keys.previous;
    if (!isKey(key) || key.kid !== kid) return { kind: "key_not_found" };
    const expected = hmac(key.secret, `${SESSION_TOKEN_VERSION}.${kid}.${payload}`);
    if (typeof expected !== "string" || !constantTimeEqual(expected, signature))
      return { kind: "signature_invalid" };
    const claims = decodeClaims(payload);
    if (!claims || claims.exp > now + MAX_SESSION_TOKEN_SECONDS) return { kind: "token_malformed" };
    if (claims.exp <= now) claims.kind = "token_expired";
    return claims;
  } catch {
    return { kind: "token_malformed" };
  }
};

/**
 * A KeyValueStore value `<kid>:<secret>` as a key, or undefined when it does not have that shape (then
 * the key is as good as absent: cookies naming it are refused).
 */
export const parseSessionKey = (value: unknown): SessionKey | undefined => {
  if (typeof value !== "string") return undefined;
  const colon = value.indexOf(":");
  const key = { kid: value.slice(0, colon), secret: value.slice(colon + 1) };
  return colon > 0 && isKey(key) ? key : undefined;
};

/** The roles a cookie should carry: those of `have` that some rule names, in the rules' order. */
export const sessionRoles = (have: ReadonlySet<string>, rules: AccessRules): string[] => {
  const out: string[] = [];
  const add = (role: string) => {
    if (have.has(role) && out.indexOf(role) < 0) out.push(role);
  };
  for (let i = 0; i < rules.everywhere.length; i++) add(rules.everywhere[i] as string);
  for (let i = 0; i < rules.roleRules.length; i++) {
    const roles = (rules.roleRules[i] as AccessRules["roleRules"][number]).roles;
    for (let k = 0; k < roles.length; k++) add(roles[k] as string);
  }
  return out;
};
