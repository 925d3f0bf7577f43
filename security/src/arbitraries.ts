import { posix } from "node:path";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import fc from "fast-check";
import { segment } from "./forge-token.js";
import { SESSION_COOKIE } from "./function-target.js";
import { ACCESS_COOKIE } from "./token-target.js";

/** Tokens the fuzzers mix in: the one genuinely valid token, one expired, and hostile shapes. */
export interface TokenPool {
  valid: string;
  expired: string;
  /** The valid token's signature on other claims, alg none, HS256… */
  hostile: string[];
}

const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "%",
    "%00",
    "%2F",
    "%5C",
    "%3F",
    "%23",
    "..",
    "\u0000",
    "\r\n",
    "\\",
    "é",
    "🙂",
    "=;,",
  ),
);

/**
 * Whether `token` is the same JWS as `valid` (or the same fast-path session token, `v1.<kid>.<payload>.<sig>`):
 * the same signing input (every part but the signature, as text) and a signature that decodes to the
 * same bytes. Bending one character of the signature can leave its bytes as they were: the last
 * base64url character of an RS256 signature carries two bits and four unused ones, so `…B` and `…A`
 * decode alike, and a verifier rightly accepts both.
 */
export function isSameJws(token: string, valid: string): boolean {
  if (token === valid) return true;
  const parts = token.split(".");
  const validParts = valid.split(".");
  if (parts.length !== validParts.length) return false;
  const sig = parts.pop() as string;
  const vsig = validParts.pop() as string;
  if (parts.join(".") !== validParts.join(".") || !sig || !vsig || !/^[A-Za-z0-9_-]+$/.test(sig))
    return false;
  return Buffer.from(sig, "base64url").equals(Buffer.from(vsig, "base64url"));
}

/** A token-ish string: garbage, JWT-shaped garbage, a pool token, or a pool token cut or bent. */
export function tokenArb(pool: TokenPool): fc.Arbitrary<{ token: string; valid: boolean }> {
  const bad = fc.oneof(
    anyText,
    fc.constantFrom(pool.expired, ...pool.hostile),
    fc
      .tuple(fc.json(), fc.json(), fc.base64String({ maxLength: 40 }))
      .map(([h, p, s]) => `${segment(h)}.${segment(p)}.${s.replace(/=+$/, "")}`),
    fc.tuple(fc.nat(pool.valid.length - 1), anyText).map(([i, s]) => pool.valid.slice(0, i) + s),
    fc.nat(pool.valid.length - 1).map((i) => {
      const c = pool.valid[i] === "A" ? "B" : "A";
      return pool.valid.slice(0, i) + c + pool.valid.slice(i + 1);
    }),
  );
  return fc.oneof(
    { weight: 6, arbitrary: bad.map((token) => ({ token, valid: isSameJws(token, pool.valid) })) },
    { weight: 1, arbitrary: fc.constant({ token: pool.valid, valid: true }) },
  );
}

/** Where each mode's edge reads the session from, and the names the fuzzer puts tokens under. */
export interface CookieScheme {
  /** The first is where the edge sets the session. */
  names: readonly string[];
  /** Whether the edge reads the session from a cookie of this name (whole or a chunk). */
  reads(name: string): boolean;
  /** A cookie the edge reads in chunks (`<name>.0`, `<name>.1`, …), if any. */
  chunked?: string;
}

/** Whether the edge reads a session's access token from a cookie of this name: whole or one of its chunks. */
export function isAccessCookieName(name: string): boolean {
  return name === ACCESS_COOKIE || /^__Host-sso-at\.\d+$/.test(name);
}

/** lambda-edge: the access token, in `__Host-sso-at` or its chunks. */
export const ACCESS_COOKIES: CookieScheme = {
  names: [
    ACCESS_COOKIE,
    `${ACCESS_COOKIE}.0`,
    `${ACCESS_COOKIE}.1`,
    "__Host-sso-id",
    "__Host-sso-rt",
    "__Host-sso-st-AAAAAAAAAAAAAAAAAAAAAA",
    SESSION_COOKIE,
    "other",
  ],
  reads: isAccessCookieName,
  chunked: ACCESS_COOKIE,
};

/** cloudfront-function: the signed session token, in `__Host-sso-session` alone (never chunked). */
export const SESSION_COOKIES: CookieScheme = {
  names: [
    SESSION_COOKIE,
    `${SESSION_COOKIE}.0`,
    ACCESS_COOKIE,
    "__Secure-sso-id",
    "__Secure-sso-rt",
    "__Host-sso-st-AAAAAAAAAAAAAAAAAAAAAA",
    "__host-sso-session",
    "other",
  ],
  reads: (name) => name === SESSION_COOKIE,
};

/**
 * `cookie` header values: pairs of our cookie names and token-ish values, the valid token as the edge
 * sets it (split into chunks where it reads chunks), plus raw garbage. `carriesValid` is true only when the valid token sits where the edge reads a
 * session from (`scheme.reads`). Under any other name it is no session.
 */
export function cookieHeadersArb(
  pool: TokenPool,
  scheme: CookieScheme = ACCESS_COOKIES,
): fc.Arbitrary<{ values: string[]; carriesValid: boolean }> {
  const name = fc.oneof(fc.constantFrom(...scheme.names), fc.string({ maxLength: 12 }));
  const pair = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.tuple(name, tokenArb(pool)).map(([n, v]) => ({
        text: `${n}=${v.token}`,
        valid: v.valid && scheme.reads(n),
      })),
    },
    // The valid session as the edge set it: in chunks where the edge reads chunks, else whole.
    {
      weight: 1,
      arbitrary: scheme.chunked
        ? fc.integer({ min: 1, max: pool.valid.length - 1 }).map((i) => ({
            text: `${scheme.chunked}.0=${pool.valid.slice(0, i)}; ${scheme.chunked}.1=${pool.valid.slice(i)}`,
            valid: true,
          }))
        : fc.constant({
            text: `${scheme.names[0]}=${pool.valid}`,
            valid: scheme.reads(scheme.names[0] as string),
          }),
    },
    { weight: 2, arbitrary: anyText.map((text) => ({ text, valid: false })) },
  );
  return fc.array(fc.array(pair, { maxLength: 5 }), { maxLength: 3 }).map((headers) => ({
    values: headers.map((pairs) => pairs.map((p) => p.text).join("; ")),
    carriesValid: headers.some((pairs) => pairs.some((p) => p.valid)),
  }));
}

const PATHS = [
  "/",
  "/docs/",
  "/staff/",
  "/staff/index.html",
  "/public/",
  "/public/style.css",
  "/public/../staff/",
  "/public/..%2Fstaff/",
  "/public/%2e%2e/staff/",
  "/public/..%252Fstaff/",
  "/public\\..\\staff/",
  "/public/x%3F%2F..%2F..%2Fstaff%2F",
  "//public/",
  "/_auth/callback",
  "/_auth/logout",
  "/_auth/callback/",
  "/%5F%61uth/callback",
];

export const uriArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...PATHS),
  fc.tuple(fc.constantFrom(...PATHS), anyText).map(([p, s]) => p + s),
  fc.webPath().map((p) => `/${p.replace(/^\/+/, "")}`),
  anyText.map((s) => `/${s}`),
);

export function queryArb(pool: TokenPool): fc.Arbitrary<string> {
  const param = fc.oneof(
    fc.tuple(fc.constantFrom("state", "code", "error", "returnTo", "post_logout_redirect_uri"), anyText),
    fc.tuple(fc.constant("state"), fc.constant("AAAAAAAAAAAAAAAAAAAAAA")),
    fc.tuple(
      fc.constant("code"),
      tokenArb(pool).map((t) => t.token),
    ),
    fc.tuple(anyText, anyText),
  );
  return fc.oneof(
    fc.array(param, { maxLength: 4 }).map((ps) => ps.map(([k, v]) => `${k}=${v}`).join("&")),
    anyText,
  );
}

const headerValue = fc.oneof(
  anyText,
  fc.constantFrom("navigate", "cors", "no-cors", "application/json", "text/html", "*/*"),
);

export const headersArb: fc.Arbitrary<Record<string, string[]>> = fc.dictionary(
  fc.oneof(
    fc.constantFrom("accept", "sec-fetch-mode", "authorization", "x-forwarded-for", "referer", "origin"),
    fc.string({ minLength: 1, maxLength: 10 }).map((s) => s.toLowerCase()),
  ),
  fc.array(headerValue, { minLength: 1, maxLength: 2 }),
  { maxKeys: 4 },
);

export const methodArb = fc.oneof(
  fc.constantFrom("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"),
  fc.string({ maxLength: 8 }),
);

/** A payload 2.0 event for the fuzzer, with what the oracle may and must expect of the answer. */
export interface FuzzApiEvent {
  event: APIGatewayProxyEventV2;
  /** It carries the one valid token somewhere: a 200 is allowed (and only then). */
  grants: boolean;
  /** `POST /validate` carrying the valid token in one clean place (header or body): the answer must be 200. */
  mustGrant: boolean;
}

/** The method, path and stage under which API Gateway sends `POST /validate` to the function. */
const validateRoute = fc.record({
  method: fc.oneof({ weight: 9, arbitrary: fc.constant("POST") }, fc.constantFrom("post", "Post")),
  route: fc.constantFrom(
    { path: "/validate", stage: "$default" },
    { path: "/validate/", stage: "$default" },
    { path: "/prod/validate", stage: "prod" },
    { path: "/validate", stage: "prod" },
  ),
});
/** Anything else: other methods on /validate, other paths, stages that do not match the path. */
const otherRoute = fc.record({
  method: methodArb,
  route: fc.record({
    path: fc.oneof(fc.constantFrom("/validate", "/health", "/prod/validate", "/validate/x", "/"), uriArb),
    stage: fc.constantFrom("$default", "prod", ""),
  }),
});

interface Carrier {
  authorization?: string;
  body?: string;
  grants: boolean;
  /** The valid token alone, where the contract says to put it. */
  clean: boolean;
}

/** Where the token travels: mostly where the contract puts it (header or JSON body), sometimes not. */
function carrierArb(pool: TokenPool): fc.Arbitrary<Carrier> {
  const token = tokenArb(pool);
  // The scheme is case-insensitive and any whitespace may follow it (RFC 9110 §11.1).
  const bearer = fc.constantFrom("Bearer ", "bearer ", "BEARER  ", "Bearer\t");
  const inHeader = fc
    .tuple(bearer, token)
    .map(([p, t]): Carrier => ({ authorization: `${p}${t.token}`, grants: t.valid, clean: t.valid }));
  const inBody = token.map(
    (t): Carrier => ({ body: JSON.stringify({ token: t.token }), grants: t.valid, clean: t.valid }),
  );
  const inBoth = fc.tuple(bearer, token).map(
    ([p, t]): Carrier => ({
      authorization: `${p}${t.token}`,
      body: JSON.stringify({ token: t.token }),
      grants: t.valid,
      clean: false,
    }),
  );
  const hostile = fc.oneof(
    fc.tuple(fc.constantFrom("Basic ", "", "Bearer"), token).map(
      ([p, t]): Carrier => ({
        authorization: `${p}${t.token}`,
        grants: false,
        clean: false,
      }),
    ),
    anyText.map((authorization): Carrier => ({ authorization, grants: false, clean: false })),
    fc.oneof(fc.json(), anyText).map((body): Carrier => ({ body, grants: false, clean: false })),
    fc.tuple(token, token).map(
      ([a, b]): Carrier => ({
        authorization: `Bearer ${a.token}`,
        body: JSON.stringify({ token: b.token }),
        grants: a.valid || b.valid,
        clean: false,
      }),
    ),
    fc.constant<Carrier>({ grants: false, clean: false }),
  );
  return fc.oneof(
    { weight: 5, arbitrary: inHeader },
    { weight: 3, arbitrary: inBody },
    { weight: 1, arbitrary: inBoth },
    { weight: 1, arbitrary: hostile },
  );
}

/**
 * An API Gateway HTTP API payload 2.0 event. Nine in ten are `POST /validate` in one of the shapes API
 * Gateway sends it, and most of those carry a token where the contract puts it, so that most cases reach
 * token verification rather than ending at routing; the rest have any method, path, stage, or parts
 * missing, misshapen or hostile.
 */
export function apiEventArb(pool: TokenPool): fc.Arbitrary<FuzzApiEvent> {
  return fc
    .record({
      target: fc.oneof(
        { weight: 9, arbitrary: validateRoute.map((r) => ({ ...r, toValidate: true })) },
        { weight: 1, arbitrary: otherRoute.map((r) => ({ ...r, toValidate: false })) },
      ),
      carrier: carrierArb(pool),
      base64: fc.boolean(),
      extraHeaders: fc.dictionary(fc.string({ maxLength: 10 }), anyText, { maxKeys: 3 }),
      cookies: fc.option(fc.array(anyText, { maxLength: 2 }), { nil: undefined }),
    })
    .map(({ target, carrier, base64, extraHeaders, cookies }) => {
      const { method, route } = target;
      const headers: Record<string, string> = { ...extraHeaders };
      if (carrier.authorization !== undefined) headers.authorization = carrier.authorization;
      const rawBody = carrier.body;
      const event = {
        version: "2.0",
        routeKey: "$default",
        rawPath: route.path,
        rawQueryString: "",
        headers,
        ...(cookies ? { cookies } : {}),
        requestContext: {
          accountId: "000000000000",
          apiId: "fuzz",
          domainName: "fuzz.execute-api.eu-west-1.amazonaws.com",
          domainPrefix: "fuzz",
          http: {
            method,
            path: route.path,
            protocol: "HTTP/1.1",
            sourceIp: "198.51.100.7",
            userAgent: "",
          },
          requestId: "fuzz",
          routeKey: "$default",
          stage: route.stage,
          time: "25/Nov/2026:12:00:00 +0000",
          timeEpoch: 0,
        },
        ...(rawBody !== undefined
          ? { body: base64 ? Buffer.from(rawBody).toString("base64") : rawBody }
          : {}),
        isBase64Encoded: Boolean(base64 && rawBody !== undefined),
      } as APIGatewayProxyEventV2;
      return { event, grants: carrier.grants, mustGrant: target.toValidate && carrier.clean };
    });
}

// The fuzzers' and the path attacks' oracle: what an origin would serve for a path, independent of the
// edge's code (authz-core's canonicalPath).

/**
 * Would an S3-like origin serve something outside /public/ for `uri`? Independent of the edge's code: the
 * key is the percent-decoded path, dot segments resolved as a file system would (the local stack's S3
 * stand-in does exactly this). An undecodable path serves nothing.
 */
export function exposesProtected(uri: string): boolean {
  let object: string;
  try {
    object = objectOf(uri);
  } catch {
    return false;
  }
  return !object.startsWith("/public/");
}

/**
 * The object an origin that decodes once and resolves dot segments (backslashes read as slashes) serves
 * for `uri`.
 */
export function objectOf(uri: string): string {
  const decoded = decodeURIComponent(uri).replace(/\\/g, "/");
  const object = posix.normalize(`/${decoded}`);
  // RFC 3986 (and the edge) keep the folder a trailing dot segment leaves: /a/b/.. is /a/.
  return /\/\.{1,2}$/.test(decoded) && !object.endsWith("/") ? `${object}/` : object;
}

/**
 * Could `uri` name something under /staff/ for any origin, however many times it percent-decodes
 * (stricter than exposesProtected): each decoding, dot segments and backslashes resolved.
 */
export function namesStaff(uri: string): boolean {
  let text = uri;
  for (let i = 0; i < 8; i++) {
    if (posix.normalize(`/${text.replace(/\\/g, "/")}`).startsWith("/staff/")) return true;
    let next: string;
    try {
      next = decodeURIComponent(text);
    } catch {
      return false;
    }
    if (next === text) return false;
    text = next;
  }
  return true;
}

/** A URI an origin could still read its own way: dot segments, empty segments, encoded separators. */
export const NOT_CANONICAL = /\/\.{0,2}(\/|$)|%2F|%5C|\\/i;

/** The object the origin must be asked for when `uri` passes: the same object, a folder as its index. */
export function forwardedObjectOf(uri: string): string {
  const object = objectOf(uri);
  return object.endsWith("/") ? `${object}index.html` : object;
}
