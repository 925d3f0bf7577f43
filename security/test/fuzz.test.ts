// Property-based fuzzing with fast-check: arbitrary viewer requests through the site in both edge modes
// (lambda-edge: the edge handler with the real validation API on loopback behind it; cloudfront-function:
// the shipped CloudFront Function in its sandbox on the site's paths and the edge handler on /_auth/*),
// and arbitrary payload 2.0 events through the validation API's handler. 10,000 cases per property and
// mode (the spelling property 5,000).
import { performance } from "node:perf_hooks";
import type { SessionKey } from "@static-sso/authz-core";
import { signToken } from "@static-sso/testing";
import { createHandler as createValidateHandler } from "@static-sso/validate-api";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACCESS_COOKIES,
  apiEventArb,
  type CookieScheme,
  cookieHeadersArb,
  exposesProtected,
  forwardedObjectOf,
  headersArb,
  isAccessCookieName,
  isSameJws,
  methodArb,
  NOT_CANONICAL,
  namesStaff,
  objectOf,
  queryArb,
  SESSION_COOKIES,
  type TokenPool,
  uriArb,
} from "../src/arbitraries.js";
import { forge, hmacWithPublicKey } from "../src/forge-token.js";
import {
  EDGE_MODES,
  type EdgeMode,
  edgeFor,
  fastSite,
  lambdaSite,
  loadSessionCheck,
  mintSession,
  newSessionKey,
  SESSION_COOKIE,
  type Served,
  type Site,
  tokenTargetConfig,
} from "../src/function-target.js";
import { captureLogs } from "../src/log-capture.js";
import {
  ACCESS_COOKIE,
  CLIENT_ID,
  SITE_HOST,
  startTokenTarget,
  type TokenTarget,
} from "../src/token-target.js";

const RUNS = 10_000;
/** Lambda@Edge stops a viewer-request function at 5 s (the function's sandbox stops it at 1 s). */
const DEADLINE_MS = 5_000;
/** The edge waits 2 s for the validation API (its validateTimeoutMs default): the API's own budget. */
const API_DEADLINE_MS = 2_000;

/** What each mode's fuzz needs: the site as that mode serves it, its tokens and where it reads them. */
interface ModeTarget {
  site: Site;
  /** The valid token has no staff role; the rest are expired, forged or misplaced. */
  pool: TokenPool;
  scheme: CookieScheme;
  /** The cookie that carries the valid session in that mode. */
  sessionCookie: string;
}

let t: TokenTarget;
let pool: TokenPool;
const targets = {} as Record<EdgeMode, ModeTarget>;
beforeAll(async () => {
  t = await startTokenTarget();
  const now = Math.floor(Date.now() / 1000);
  const valid = await t.sign({ realm_access: { roles: [] } });
  const [h, , s] = valid.split(".");
  pool = {
    valid,
    expired: await signToken(t.key, t.claims(), { now: now - 3600 }),
    hostile: [
      `${h}.${(await t.sign({ sub: "mallory" })).split(".")[1]}.${s}`,
      forge({ alg: "none" }, t.claims({ iat: now, exp: now + 300 })),
      hmacWithPublicKey(t.key, { kid: t.key.kid }, t.claims({ iat: now, exp: now + 300 })),
      await t.sign({ aud: "another" }),
    ],
  };
  targets["lambda-edge"] = {
    site: lambdaSite(t.edge),
    pool,
    scheme: ACCESS_COOKIES,
    sessionCookie: ACCESS_COOKIE,
  };

  const key: SessionKey = newSessionKey();
  const session = mintSession(key, { roles: [], ttlSeconds: 300 });
  const [v, kid, , sig] = session.split(".");
  const staffPayload = mintSession(key, { roles: ["staff"], ttlSeconds: 300 }).split(".")[2];
  const fastEdge = edgeFor("cloudfront-function", tokenTargetConfig(t), key, { logSink: () => {} });
  targets["cloudfront-function"] = {
    site: fastSite((await loadSessionCheck(key)).fn, fastEdge),
    pool: {
      valid: session,
      expired: mintSession(key, { roles: ["staff"], ttlSeconds: -10 }),
      hostile: [
        // The valid signature on a payload with the staff role.
        `${v}.${kid}.${staffPayload}.${sig}`,
        mintSession(key, { roles: ["staff"], ttlSeconds: -10, refresh: false }),
        // Signed with another secret under the same kid, and under a kid the store does not hold.
        mintSession({ kid: key.kid, secret: newSessionKey().secret }, { roles: ["staff"], ttlSeconds: 300 }),
        mintSession(newSessionKey(), { roles: ["staff"], ttlSeconds: 300 }),
        // The IdP's genuine access token is no session cookie.
        await t.sign(),
        "v1.k1.e30.AAAA",
      ],
    },
    scheme: SESSION_COOKIES,
    sessionCookie: SESSION_COOKIE,
  };
});
afterAll(async () => {
  await t?.close();
});

describe.each(EDGE_MODES)("the site under arbitrary viewer requests (%s)", (mode) => {
  it(`never throws, answers within ${DEADLINE_MS} ms, never passes a protected path to the origin without the valid session cookie, and never /staff/ (the session has no staff role) (${RUNS} cases)`, async () => {
    const { site, pool: tokens, scheme } = targets[mode];
    let passed = 0;
    let passedWithSession = 0;
    let staffAsked = 0;
    let slowest = 0;
    const by = new Map<string, number>();
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(
        methodArb,
        uriArb,
        queryArb(tokens),
        headersArb,
        cookieHeadersArb(tokens, scheme),
        fc.oneof(fc.constant(SITE_HOST), fc.string({ maxLength: 20 })),
        async (method, uri, querystring, headers, cookies, host) => {
          const staff = namesStaff(uri);
          if (staff) staffAsked++;
          const begun = performance.now();
          const served = await site({
            host,
            method,
            uri,
            querystring,
            headers: { ...headers, ...(cookies.values.length ? { cookie: cookies.values } : {}) },
          });
          const elapsed = performance.now() - begun;
          slowest = Math.max(slowest, elapsed);
          by.set(served.by, (by.get(served.by) ?? 0) + 1);
          expect(elapsed).toBeLessThan(DEADLINE_MS);
          if (served.kind === "answer") {
            expect([200, 302, 400, 401, 403, 503]).toContain(served.status);
            // The one page the edge answers 200 itself: the logout confirmation, which clears nothing.
            if (served.status === 200) {
              expect(served.by).toBe("lambda-edge");
              expect(served.body).toContain("Log out?");
              expect(served.setCookies).toEqual([]);
            }
            return;
          }
          passed++;
          // The canonical form of the same object (and the directory index the edge adds for the S3
          // origin): no dot segments or empty segments left for an origin to read its own way.
          expect(served.uri).not.toMatch(NOT_CANONICAL);
          expect(objectOf(served.uri)).toBe(forwardedObjectOf(uri));
          expect(
            !exposesProtected(uri) || cookies.carriesValid,
            `origin reached for ${JSON.stringify(uri)} without the valid session as ${targets[mode].sessionCookie}`,
          ).toBe(true);
          if (exposesProtected(uri)) passedWithSession++;
          expect(staff, `origin reached for ${JSON.stringify(uri)}, under /staff/`).toBe(false);
          // Whatever the Lambda passes on carries none of the edge's cookies.
          for (const c of served.cookieHeaders ?? []) expect(c).not.toMatch(/(^|;\s*)__(Host|Secure)-sso-/);
        },
      ),
      { numRuns: RUNS },
    );
    console.log(
      `edge fuzz (${mode}): ${RUNS} cases in ${Math.round(performance.now() - started)} ms, ${passed} reached the origin (${passedWithSession} of them protected paths, with the session), ${staffAsked} asked for /staff/; decided by ${JSON.stringify(Object.fromEntries(by))}; slowest ${slowest.toFixed(1)} ms`,
    );
    // The properties above are not vacuous: sessions did open protected paths, and /staff/ was tried.
    expect(passedWithSession).toBeGreaterThan(0);
    expect(staffAsked).toBeGreaterThan(100);
    // In the fast path both runtimes were fuzzed: the function on the site, the Lambda on /_auth/*.
    if (mode === "cloudfront-function") expect(by.get("lambda-edge")).toBeGreaterThan(100);
  }, 120_000);
});

describe.each(EDGE_MODES)("the site under other spellings of one path (%s)", (mode) => {
  const BASES = [
    "/",
    "/index.html",
    "/docs/",
    "/docs/a.html",
    "/public/",
    "/public/a.css",
    "/staff/",
    "/staff/x/y.html",
  ];
  /** `/a/b` spelt another way that names the same object: dot segments, `//`, escapes of pchars. */
  const spelling = (base: string) =>
    fc
      .array(fc.constantFrom("dot", "dotdot", "slash", "escape", "dotEscape"), { maxLength: 6 })
      .chain((steps) => fc.tuple(fc.constant(steps), fc.array(fc.nat(), { minLength: 6, maxLength: 6 })))
      .map(([steps, picks]) => {
        let segs = base.split("/").slice(1);
        steps.forEach((step, i) => {
          const at = (picks[i] as number) % segs.length;
          const seg = segs[at] as string;
          if (step === "dot") segs.splice(at, 0, ".");
          else if (step === "dotdot") segs.splice(at, 0, "x", "..");
          else if (step === "slash") segs.splice(at, 0, "");
          else if (step === "escape" && seg.length > 0 && !seg.startsWith("%")) {
            const c = seg.charCodeAt(0);
            segs[at] = `%${c.toString(16)}${seg.slice(1)}`;
          } else if (step === "dotEscape") segs.splice(at, 0, "x", "%2e%2E");
        });
        segs = segs.length === 0 ? [""] : segs;
        return `/${segs.join("/")}`;
      });
  const outcome = (served: Served) =>
    served.kind === "answer" ? `${served.by} ${served.status}` : `${served.by} origin ${served.uri}`;
  it(`decides every spelling as its canonical path, with and without a session (${RUNS / 2} cases)`, async () => {
    const { site, pool: tokens, sessionCookie } = targets[mode];
    const ask = (uri: string, session: boolean) =>
      site({
        host: SITE_HOST,
        uri,
        headers: session ? { cookie: [`${sessionCookie}=${tokens.valid}`] } : {},
      });
    let differentSpellings = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...BASES).chain((base) => fc.tuple(fc.constant(base), spelling(base))),
        fc.boolean(),
        async ([base, uri], session) => {
          if (uri !== base) differentSpellings++;
          expect(outcome(await ask(uri, session)), uri).toBe(outcome(await ask(base, session)));
        },
      ),
      { numRuns: RUNS / 2 },
    );
    expect(differentSpellings).toBeGreaterThan(RUNS / 4);
  }, 120_000);
});

describe("the validation API's handler under arbitrary payload 2.0 events", () => {
  it(`never throws, answers each call within ${API_DEADLINE_MS} ms, 200 only for the genuinely valid token and always for it on POST /validate, and mostly reaches token verification (${RUNS} cases)`, async () => {
    const logs = captureLogs();
    const handler = createValidateHandler({
      issuer: t.issuer.issuer,
      audience: CLIENT_ID,
      jwksUri: t.issuer.jwksUri,
      logger: logs.logger,
    });
    const statuses = new Map<number, number>();
    let slowest = 0;
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(apiEventArb(pool), async ({ event, grants, mustGrant }) => {
        const begun = performance.now();
        const res = await handler(event);
        const elapsed = performance.now() - begun;
        slowest = Math.max(slowest, elapsed);
        expect(elapsed).toBeLessThan(API_DEADLINE_MS);
        statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
        const body = JSON.parse(res.body ?? "null") as { valid?: boolean; ok?: boolean };
        expect([200, 400, 401, 404, 405, 503]).toContain(res.statusCode);
        if (mustGrant) expect(res.statusCode).toBe(200);
        if (res.statusCode === 404 || res.statusCode === 405) {
          expect(body?.valid).not.toBe(true);
          return;
        }
        if (body.ok === true) return; // GET /health
        if (res.statusCode === 200) {
          expect(body.valid).toBe(true);
          expect(grants).toBe(true);
        } else expect(body.valid).toBe(false);
      }),
      { numRuns: RUNS },
    );
    expect(logs.find("outcome", "error")).toEqual([]);
    // 200, 401 and 503 are the validator's answers (401 also for a header or body too large to hold an
    // acceptable token); 400 is a request without one readable token, 404/405 routing.
    const count = (...codes: number[]) => codes.reduce((n, c) => n + (statuses.get(c) ?? 0), 0);
    const verified = count(200, 401, 503);
    console.log(
      `validate-api fuzz: ${RUNS} cases in ${Math.round(performance.now() - started)} ms, ${verified} reached token verification (${count(200)} valid), ${count(400)} 400, ${count(404, 405)} 404/405; slowest call ${slowest.toFixed(1)} ms`,
    );
    expect(verified / RUNS).toBeGreaterThan(0.7);
    expect(count(200)).toBeGreaterThan(0);
  }, 120_000);
});

describe("the fuzzers' oracle", () => {
  it("counts a token whose signature differs only in unused base64url bits as the same, valid token", () => {
    const [h, p, sig] = pool.valid.split(".") as [string, string, string];
    // 256 signature bytes are 342 characters; the last one's four low bits are padding: flip the lowest.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const bent = sig.slice(0, -1) + alphabet[alphabet.indexOf(sig.at(-1) ?? "A") ^ 1];
    expect(Buffer.from(bent, "base64url").equals(Buffer.from(sig, "base64url"))).toBe(true);
    expect(isSameJws(`${h}.${p}.${bent}`, pool.valid)).toBe(true);
  });

  it("counts the valid token as a session only under __Host-sso-at or one of its chunks", () => {
    for (const name of ["__Host-sso-at", "__Host-sso-at.0", "__Host-sso-at.12"])
      expect(isAccessCookieName(name), name).toBe(true);
    for (const name of [
      "__Host-sso-id",
      "__Host-sso-rt",
      "__Host-sso-at.",
      "__Host-sso-at.x",
      "sso-at",
      "other",
    ])
      expect(isAccessCookieName(name), name).toBe(false);
  });

  it("counts the fast path's session only under __Host-sso-session, whole", () => {
    expect(SESSION_COOKIES.reads(SESSION_COOKIE)).toBe(true);
    for (const name of [
      `${SESSION_COOKIE}.0`,
      "__host-sso-session",
      "__Host-sso-at",
      "__Secure-sso-rt",
      "other",
    ])
      expect(SESSION_COOKIES.reads(name), name).toBe(false);
  });

  it("compares a session token as a JWS: its text, and its signature's bytes", () => {
    const session = targets["cloudfront-function"].pool.valid;
    const [v, kid, payload, sig] = session.split(".") as [string, string, string, string];
    // 32 HMAC bytes are 43 characters; the last one carries two unused bits.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const bent = sig.slice(0, -1) + alphabet[alphabet.indexOf(sig.at(-1) ?? "A") ^ 1];
    expect(isSameJws(`${v}.${kid}.${payload}.${bent}`, session)).toBe(true);
    expect(isSameJws(`${v}.${kid}.${payload}A.${sig}`, session)).toBe(false);
    expect(isSameJws(`${v}.${kid}.${payload}`, session)).toBe(false);
  });

  it("counts any change to the signing input or the signature's bytes as another token", () => {
    const [h, p, sig] = pool.valid.split(".") as [string, string, string];
    const flipped = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    expect(isSameJws(`${flipped(h, 3)}.${p}.${sig}`, pool.valid)).toBe(false);
    expect(isSameJws(`${h}.${flipped(p, 3)}.${sig}`, pool.valid)).toBe(false);
    expect(isSameJws(`${h}.${p}.${flipped(sig, 3)}`, pool.valid)).toBe(false);
  });
});
