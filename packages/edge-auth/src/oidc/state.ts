import { randomBytes } from "node:crypto";
import { safeReturnPath } from "../return-path.js";
import { createPkce } from "./pkce.js";

/** How long a login may take between the redirect to the IdP and the callback. */
export const STATE_COOKIE_MAX_AGE_S = 600;

/** What the browser keeps (in an HttpOnly `__Host-` cookie named after the state) while it logs in. */
export interface LoginState {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

export function createLoginState(returnTo: string): LoginState & { challenge: string } {
  const { verifier, challenge } = createPkce();
  return {
    state: randomBytes(16).toString("base64url"),
    nonce: randomBytes(16).toString("base64url"),
    verifier,
    challenge,
    returnTo: safeReturnPath(returnTo),
  };
}

export function encodeStateCookie(s: LoginState): string {
  return Buffer.from(JSON.stringify({ n: s.nonce, v: s.verifier, r: s.returnTo })).toString("base64url");
}

/** The login state from its cookie, or undefined when the cookie is missing or not ours. */
export function decodeStateCookie(state: string, value: string | undefined): LoginState | undefined {
  if (!value) return undefined;
  try {
    const raw = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Record<string, unknown>;
    if (typeof raw.n !== "string" || typeof raw.v !== "string" || typeof raw.r !== "string") return undefined;
    if (!/^[A-Za-z0-9_-]{43,128}$/.test(raw.v)) return undefined;
    return { state, nonce: raw.n, verifier: raw.v, returnTo: safeReturnPath(raw.r) };
  } catch {
    return undefined;
  }
}

/** State values we issue: 128 bits, base64url. Anything else in a callback is not ours. */
export function isWellFormedState(state: string | null): state is string {
  return state !== null && /^[A-Za-z0-9_-]{22}$/.test(state);
}
