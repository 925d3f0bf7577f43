import { SsoError } from "@static-sso/shared";
import { parseCookie, stringifySetCookie } from "cookie";

/**
 * Browsers keep at most ~4096 bytes per cookie (name + value); a chunk's value, as sent (URL-encoded),
 * stays well under that so name and attributes fit too. Tokens larger than one chunk are split across
 * `<name>.0`, `<name>.1`, …
 */
export const COOKIE_CHUNK_BYTES = 3800;
/** At most this many chunks per token are read back. */
export const MAX_CHUNKS = 4;
/**
 * The most the session cookies may take in the browser's `cookie` header, names and values as sent.
 * CloudFront refuses a request whose line and headers exceed 20,480 bytes before any function runs, the
 * logout included; 12 KB leaves room for the URL, the browser's own headers, the site's cookies and the
 * login states in flight.
 */
export const MAX_SESSION_COOKIE_BYTES = 12 * 1024;

/** The tokens the IdP issued do not fit in cookies (see MAX_SESSION_COOKIE_BYTES). */
export class SessionTooLargeError extends SsoError {
  constructor(bytes: number) {
    super("session_too_large", `session cookies would take ${bytes} bytes, over ${MAX_SESSION_COOKIE_BYTES}`);
  }
}

/** Characters encodeURIComponent leaves as they are: every JWT is made of them only. */
const UNENCODED = /^[A-Za-z0-9\-_.!~*'()]*$/;

export type SessionCookie = "access" | "id" | "refresh";

export interface CookieNames {
  /** Every cookie this function sets starts with one of these. */
  prefixes: readonly string[];
  session: Record<SessionCookie, string>;
  /** The signed session cookie the edge mints in the fast path (`mode: "cloudfront-function"`). */
  sessionToken: string;
  /** The Path a cookie of this function is set with (and must be cleared with). */
  pathOf(name: string): string;
  state(state: string): string;
  /** The state a state-cookie name belongs to, if it is one. */
  stateOf(name: string): string | undefined;
}

/** Where the fast path scopes the IdP's tokens: only requests to the edge's own paths carry them. */
export const AUTH_COOKIE_PATH = "/_auth/";

/**
 * `__Host-` cookies: Secure, Path=/ and no Domain, so neither another subdomain nor plain http can set or
 * overwrite them. In the fast path the ID and refresh tokens are scoped to `/_auth/` instead, so no page
 * view carries them; `__Host-` requires Path=/, so those are `__Secure-` (Secure, no Domain).
 */
export function cookieNames(cookiePrefix: string, fastPath = false): CookieNames {
  const prefix = `__Host-${cookiePrefix}-`;
  const scoped = `__Secure-${cookiePrefix}-`;
  const statePrefix = `${prefix}st-`;
  return {
    prefixes: fastPath ? [prefix, scoped] : [prefix],
    session: fastPath
      ? { access: `${prefix}at`, id: `${scoped}id`, refresh: `${scoped}rt` }
      : { access: `${prefix}at`, id: `${prefix}id`, refresh: `${prefix}rt` },
    sessionToken: `${prefix}session`,
    pathOf: (name) => (name.startsWith(scoped) ? AUTH_COOKIE_PATH : "/"),
    state: (s) => `${statePrefix}${s}`,
    stateOf: (name) => (name.startsWith(statePrefix) ? name.slice(statePrefix.length) : undefined),
  };
}

const asSent = (value: string) => value;
/** The cookie library's own default (it decodes every cookie or none, so it is applied here per cookie). */
const decoded = (value: string) => {
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/**
 * All cookies of every `cookie` header (CloudFront can pass several) in one map; first value wins.
 * Values are URL-decoded (an opaque refresh token may hold `+`, `/` or `=`), except `asSent`: the fast
 * path's session cookie, which the CloudFront Function reads as sent, so both runtimes judge the same text.
 */
export function parseCookieHeaders(values: readonly string[], asSentName?: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const header of values) {
    const parsed = parseCookie(header, { decode: asSent });
    for (const name in parsed) {
      const value = parsed[name];
      if (value !== undefined && !out.has(name)) out.set(name, name === asSentName ? value : decoded(value));
    }
  }
  return out;
}

/** A value stored under `name`, or split across `name.0`, `name.1`, …; undefined when absent or broken. */
export function readChunked(cookies: ReadonlyMap<string, string>, name: string): string | undefined {
  const whole = cookies.get(name);
  if (whole) return whole;
  const parts: string[] = [];
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const part = cookies.get(`${name}.${i}`);
    if (part === undefined) break;
    parts.push(part);
  }
  return parts.length > 0 ? parts.join("") : undefined;
}

/**
 * Split a value into the cookies that carry it: one `name` when it fits, else `name.0…`. Sizes are
 * counted as the value is sent (URL-encoded by setCookieHeader), and a split never cuts a character.
 */
export function splitIntoCookies(name: string, value: string): Array<[string, string]> {
  const pieces: string[] = [];
  if (UNENCODED.test(value)) {
    for (let i = 0; i < value.length; i += COOKIE_CHUNK_BYTES)
      pieces.push(value.slice(i, i + COOKIE_CHUNK_BYTES));
  } else {
    let piece = "";
    let bytes = 0;
    for (const char of value) {
      const size = encodeURIComponent(char).length;
      if (bytes + size > COOKIE_CHUNK_BYTES) {
        pieces.push(piece);
        piece = "";
        bytes = 0;
      }
      piece += char;
      bytes += size;
    }
    pieces.push(piece);
  }
  if (pieces.length <= 1) return [[name, value]];
  return pieces.map((piece, i) => [`${name}.${i}`, piece]);
}

export function setCookieHeader(name: string, value: string, maxAgeSeconds?: number, path = "/"): string {
  return stringifySetCookie(name, value, {
    httpOnly: true,
    secure: true,
    sameSite: "lax",
    path,
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  });
}

export function clearCookieHeader(name: string, path = "/"): string {
  return setCookieHeader(name, "", 0, path);
}

/**
 * Set-Cookie lines that store a session: the tokens given (split when large), and expiry for every other
 * cookie of the same kind the browser still holds (stale chunks of a longer old token, an old refresh
 * token when none is given any more). Over MAX_SESSION_COOKIE_BYTES the ID token is left out first (it
 * only serves as the logout's `id_token_hint`); still over, SessionTooLargeError.
 */
export function sessionSetCookies(
  names: CookieNames,
  tokens: Partial<Record<SessionCookie, string>>,
  present: ReadonlyMap<string, string>,
): string[] {
  const split: Partial<Record<SessionCookie, Array<[string, string]>>> = {};
  let bytes = 0;
  for (const kind of ["access", "id", "refresh"] as const) {
    const value = tokens[kind];
    if (!value) continue;
    split[kind] = splitIntoCookies(names.session[kind], value);
    bytes += cookieBytes(split[kind]);
  }
  if (bytes > MAX_SESSION_COOKIE_BYTES && split.id) {
    bytes -= cookieBytes(split.id);
    delete split.id;
  }
  if (bytes > MAX_SESSION_COOKIE_BYTES) throw new SessionTooLargeError(bytes);
  const out: string[] = [];
  for (const kind of ["access", "id", "refresh"] as const) {
    const base = names.session[kind];
    const written = new Set<string>();
    for (const [name, part] of split[kind] ?? []) {
      out.push(setCookieHeader(name, part, undefined, names.pathOf(name)));
      written.add(name);
    }
    for (const name of present.keys()) {
      if ((name === base || name.startsWith(`${base}.`)) && !written.has(name))
        out.push(clearCookieHeader(name, names.pathOf(name)));
    }
  }
  return out;
}

/** What cookies take in the browser's `cookie` header: `name=value; ` each, values URL-encoded. */
function cookieBytes(cookies: Array<[string, string]>): number {
  let bytes = 0;
  for (const [name, value] of cookies)
    bytes += name.length + 3 + (UNENCODED.test(value) ? value.length : encodeURIComponent(value).length);
  return bytes;
}

/** Set-Cookie lines that expire every cookie of this function the browser sent. */
export function clearAllCookies(names: CookieNames, present: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const name of present.keys())
    if (names.prefixes.some((p) => name.startsWith(p))) out.push(clearCookieHeader(name, names.pathOf(name)));
  return out;
}

/**
 * The `cookie` header values to pass to the origin: every cookie of this function removed, the rest kept
 * byte for byte. An empty result means the header is dropped.
 */
export function stripOwnCookies(values: readonly string[], names: CookieNames): string[] {
  const out: string[] = [];
  for (const header of values) {
    let kept = "";
    for (const part of header.split(";")) {
      const pair = part.trim();
      // A trimmed pair starts with a prefix exactly when its name does (prefixes have no `=` or space).
      if (pair === "" || names.prefixes.some((p) => pair.startsWith(p))) continue;
      kept = kept === "" ? pair : `${kept}; ${pair}`;
    }
    if (kept !== "") out.push(kept);
  }
  return out;
}
