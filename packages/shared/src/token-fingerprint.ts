import { createHash } from "node:crypto";

/**
 * A short, one-way fingerprint of a token: a cache key and something safe to log in place of the token.
 * SHA-256 so two tokens never share a cache entry in practice.
 */
export function tokenFingerprint(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
