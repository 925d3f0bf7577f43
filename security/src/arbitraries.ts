import type { APIGatewayProxyEventV2 } from "aws-lambda";
import fc from "fast-check";
import { segment } from "./forge-token.js";
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
 * Whether `token` is the same JWS as `valid`: the same signing input (header and payload text) and a
 * signature that decodes to the same bytes. Bending one character of the signature can leave its bytes
 * as they were: the last base64url character of an RS256 signature carries two bits and four unused
 * ones, so `…B` and `…A` decode alike, and a verifier rightly accepts both.
 */
export function isSameJws(token: string, valid: string): boolean {
  if (token === valid) return true;
  const [h, p, sig, ...rest] = token.split(".");
  const [vh, vp, vsig] = valid.split(".");
  if (rest.length > 0 || h !== vh || p !== vp || !sig || !vsig || !/^[A-Za-z0-9_-]+$/.test(sig)) return false;
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

const cookieName = fc.oneof(
  fc.constantFrom(
    ACCESS_COOKIE,
    `${ACCESS_COOKIE}.0`,
    `${ACCESS_COOKIE}.1`,
    "__Host-sso-id",
    "__Host-sso-rt",
    "__Host-sso-st-AAAAAAAAAAAAAAAAAAAAAA",
    "other",
  ),
  fc.string({ maxLength: 12 }),
);

/** `cookie` header values: pairs of our cookie names and token-ish values, plus raw garbage. */
export function cookieHeadersArb(pool: TokenPool): fc.Arbitrary<{ values: string[]; carriesValid: boolean }> {
  const pair = fc.oneof(
    fc.tuple(cookieName, tokenArb(pool)).map(([n, v]) => ({ text: `${n}=${v.token}`, valid: v.valid })),
    anyText.map((text) => ({ text, valid: false })),
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

/** An API Gateway HTTP API payload 2.0 event, with parts missing, misshapen or hostile. */
export function apiEventArb(
  pool: TokenPool,
): fc.Arbitrary<{ event: APIGatewayProxyEventV2; valid: boolean }> {
  const token = tokenArb(pool);
  const authorization = fc.oneof(
    token.map((t) => ({ value: `Bearer ${t.token}`, valid: t.valid })),
    // The scheme is case-insensitive and any whitespace may follow it (RFC 9110 §11.1).
    fc.tuple(fc.constantFrom("bearer ", "BEARER  ", "Basic ", "Bearer\t", ""), token).map(([p, t]) => ({
      value: `${p}${t.token}`,
      valid: t.valid && /^bearer\s/i.test(p),
    })),
    anyText.map((value) => ({ value, valid: false })),
  );
  const body = fc.oneof(
    token.map((t) => ({ body: JSON.stringify({ token: t.token }), valid: t.valid })),
    fc.json().map((body) => ({ body, valid: false })),
    anyText.map((body) => ({ body, valid: false })),
  );
  return fc
    .record(
      {
        method: methodArb,
        path: fc.oneof(fc.constantFrom("/validate", "/health", "/prod/validate", "/validate/"), uriArb),
        stage: fc.constantFrom("$default", "prod", ""),
        authorization,
        body,
        base64: fc.boolean(),
        extraHeaders: fc.dictionary(fc.string({ maxLength: 10 }), anyText, { maxKeys: 3 }),
        cookies: fc.array(anyText, { maxLength: 2 }),
      },
      { requiredKeys: ["method", "path"] },
    )
    .map((r) => {
      const headers: Record<string, string> = { ...r.extraHeaders };
      if (r.authorization) headers.authorization = r.authorization.value;
      const rawBody = r.body?.body;
      const event = {
        version: "2.0",
        routeKey: "$default",
        rawPath: r.path,
        rawQueryString: "",
        headers,
        ...(r.cookies ? { cookies: r.cookies } : {}),
        requestContext: {
          accountId: "000000000000",
          apiId: "fuzz",
          domainName: "fuzz.execute-api.eu-west-1.amazonaws.com",
          domainPrefix: "fuzz",
          http: {
            method: r.method,
            path: r.path,
            protocol: "HTTP/1.1",
            sourceIp: "198.51.100.7",
            userAgent: "",
          },
          requestId: "fuzz",
          routeKey: "$default",
          stage: r.stage ?? "$default",
          time: "25/Nov/2026:12:00:00 +0000",
          timeEpoch: 0,
        },
        ...(rawBody !== undefined
          ? { body: r.base64 ? Buffer.from(rawBody).toString("base64") : rawBody }
          : {}),
        isBase64Encoded: Boolean(r.base64 && rawBody !== undefined),
      } as APIGatewayProxyEventV2;
      return {
        event,
        valid: Boolean(r.authorization?.valid || r.body?.valid),
      };
    });
}
