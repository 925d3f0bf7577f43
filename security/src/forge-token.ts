import { createHmac, createPublicKey, KeyObject, sign, type webcrypto } from "node:crypto";
import type { TestKey } from "@static-sso/testing";
import { CompactEncrypt, importJWK, type JWK } from "jose";

/** base64url of a JSON value, or of raw text when given a string (to write duplicate keys by hand). */
export function segment(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}

/** A compact token put together by hand: no library would produce most of what an attacker sends. */
export function forge(header: unknown, payload: unknown, signature = ""): string {
  return `${segment(header)}.${segment(payload)}.${signature}`;
}

/** The token's three parts, decoded (header and payload as text, to be edited byte for byte). */
export function split(token: string): { header: string; payload: string; signature: string } {
  const [h = "", p = "", s = ""] = token.split(".");
  const text = (part: string) => Buffer.from(part, "base64url").toString("utf8");
  return { header: text(h), payload: text(p), signature: s };
}

/** The alg-confusion attack: HS256 whose HMAC secret is the RSA public key, as published (PEM). */
export function hmacWithPublicKey(key: TestKey, header: Record<string, unknown>, payload: unknown): string {
  const pem = createPublicKey({ key: key.publicJwk as never, format: "jwk" }).export({
    type: "spki",
    format: "pem",
  });
  const input = `${segment({ ...header, alg: "HS256" })}.${segment(payload)}`;
  return `${input}.${createHmac("sha256", pem).update(input).digest("base64url")}`;
}

/** A compact JWE (5 parts) for the issuer's public key, wrapping `plaintext` (a signed token: a nested JWT). */
export async function encryptFor(publicJwk: JWK, plaintext: string): Promise<string> {
  const key = await importJWK({ ...publicJwk, alg: "RSA-OAEP-256", use: "enc" }, "RSA-OAEP-256");
  return new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: "RSA-OAEP-256", enc: "A256GCM", cty: "JWT" })
    .encrypt(key);
}

/**
 * Signs header and payload exactly as given (RS256) with the key: for headers jose refuses to produce,
 * such as a `crit` naming an extension nobody understands.
 */
export function signRaw(key: TestKey, header: Record<string, unknown>, payload: unknown): string {
  return signText(key, JSON.stringify({ alg: "RS256", kid: key.kid, ...header }), JSON.stringify(payload));
}

/**
 * Signs header and payload JSON text byte for byte (RS256) with the key: for JSON no serializer writes,
 * such as an object that repeats a key. The signature is genuine: the key's owner signed this text.
 */
export function signText(key: TestKey, headerText: string, payloadText: string): string {
  const input = `${segment(headerText)}.${segment(payloadText)}`;
  const privateKey = KeyObject.from(key.privateKey as unknown as webcrypto.CryptoKey);
  return `${input}.${sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
}

/**
 * JSON text of `object` with `key` written twice: `first` as the object's first member and `last` as
 * its last, the other members in between (`object`'s own `key`, if any, left out).
 */
export function withDuplicateKey(
  object: Record<string, unknown>,
  key: string,
  first: unknown,
  last: unknown,
): string {
  const { [key]: _, ...rest } = object;
  const middle = JSON.stringify(rest).slice(1, -1);
  const name = JSON.stringify(key);
  return `{${name}:${JSON.stringify(first)},${middle}${middle ? "," : ""}${name}:${JSON.stringify(last)}}`;
}
