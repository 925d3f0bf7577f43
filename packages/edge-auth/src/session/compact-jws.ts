/** Three base64url parts: what a signed JWT looks like. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Whether a token could be a compact JWS at all. Anything else (spaces, non-ASCII, a fourth part) is
 * refused here: it cannot be valid, and sent on as a Bearer header it would fail as if the validation API
 * were down.
 */
export function isCompactJws(token: string): boolean {
  return COMPACT_JWS.test(token);
}
