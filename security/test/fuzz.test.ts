// Property-based fuzzing with fast-check: arbitrary viewer-request events through the edge handler
// (with the real validation API on loopback behind it) and arbitrary payload 2.0 events through the
// validation API's handler. Each property runs 10,000 cases.
import { posix } from "node:path";
import { performance } from "node:perf_hooks";
import { signToken, viewerRequestEvent } from "@static-sso/testing";
import { createHandler as createValidateHandler } from "@static-sso/validate-api";
import type { CloudFrontRequest, CloudFrontResultResponse } from "aws-lambda";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiEventArb,
  cookieHeadersArb,
  headersArb,
  isAccessCookieName,
  isSameJws,
  methodArb,
  queryArb,
  type TokenPool,
  uriArb,
} from "../src/arbitraries.js";
import { forge, hmacWithPublicKey } from "../src/forge-token.js";
import { captureLogs } from "../src/log-capture.js";
import { CLIENT_ID, SITE_HOST, startTokenTarget, type TokenTarget } from "../src/token-target.js";

const RUNS = 10_000;
/** Lambda@Edge stops a viewer-request function at 5 s. */
const DEADLINE_MS = 5_000;
/** The edge waits 2 s for the validation API (its validateTimeoutMs default): the API's own budget. */
const API_DEADLINE_MS = 2_000;

let t: TokenTarget;
let pool: TokenPool;
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
});
afterAll(async () => {
  await t?.close();
});

/**
 * Would an S3-like origin serve something outside /public/ for `uri`? Independent of the edge's code: the
 * key is the percent-decoded path, dot segments resolved as a file system would (the local stack's S3
 * stand-in does exactly this). An undecodable path serves nothing.
 */
function exposesProtected(uri: string): boolean {
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
function objectOf(uri: string): string {
  const decoded = decodeURIComponent(uri).replace(/\\/g, "/");
  const object = posix.normalize(`/${decoded}`);
  // RFC 3986 (and the edge) keep the folder a trailing dot segment leaves: /a/b/.. is /a/.
  return /\/\.{1,2}$/.test(decoded) && !object.endsWith("/") ? `${object}/` : object;
}

/**
 * Could `uri` name something under /staff/ for any origin, however many times it percent-decodes
 * (stricter than exposesProtected): each decoding, dot segments and backslashes resolved.
 */
function namesStaff(uri: string): boolean {
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

describe("the edge handler under arbitrary viewer requests", () => {
  it(`never throws, answers within ${DEADLINE_MS} ms, never passes a protected path to the origin without the valid token in the session cookie, and never /staff/ (the token has no staff role) (${RUNS} cases)`, async () => {
    let passed = 0;
    let passedWithSession = 0;
    let staffAsked = 0;
    let slowest = 0;
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(
        methodArb,
        uriArb,
        queryArb(pool),
        headersArb,
        cookieHeadersArb(pool),
        fc.oneof(fc.constant(SITE_HOST), fc.string({ maxLength: 20 })),
        async (method, uri, querystring, headers, cookies, host) => {
          const event = viewerRequestEvent({
            host,
            method,
            uri,
            querystring,
            headers: { ...headers, ...(cookies.values.length ? { cookie: cookies.values } : {}) },
          });
          const staff = namesStaff(uri);
          if (staff) staffAsked++;
          const begun = performance.now();
          const result = await t.edge(event);
          const elapsed = performance.now() - begun;
          slowest = Math.max(slowest, elapsed);
          expect(elapsed).toBeLessThan(DEADLINE_MS);
          expect(result).toBeDefined();
          if (result && "status" in result && result.status) {
            const status = (result as CloudFrontResultResponse).status;
            expect(["200", "302", "400", "401", "403", "503"]).toContain(status);
            // The one page the edge answers 200 itself: the logout confirmation, which clears nothing.
            if (status === "200") {
              expect((result as CloudFrontResultResponse).body).toContain("Log out?");
              expect((result as CloudFrontResultResponse).headers?.["set-cookie"]).toBeUndefined();
            }
            return;
          }
          passed++;
          const request = result as CloudFrontRequest;
          // The canonical form of the same object (and the directory index the edge adds for the S3
          // origin): no dot segments or empty segments left for an origin to read its own way.
          expect(request.uri).not.toMatch(/\/\.{0,2}(\/|$)|%2F|%5C|\\/i);
          const object = objectOf(uri);
          expect(objectOf(request.uri)).toBe(object.endsWith("/") ? `${object}index.html` : object);
          expect(
            !exposesProtected(uri) || cookies.carriesValid,
            `origin reached for ${JSON.stringify(uri)} without the valid token as __Host-sso-at`,
          ).toBe(true);
          if (exposesProtected(uri)) passedWithSession++;
          expect(staff, `origin reached for ${JSON.stringify(uri)}, under /staff/`).toBe(false);
          // Whatever reached the origin carries none of this function's cookies.
          for (const c of request.headers.cookie ?? []) expect(c.value).not.toMatch(/(^|;\s*)__Host-sso-/);
        },
      ),
      { numRuns: RUNS },
    );
    console.log(
      `edge fuzz: ${RUNS} cases in ${Math.round(performance.now() - started)} ms, ${passed} reached the origin (${passedWithSession} of them protected paths, with the session), ${staffAsked} asked for /staff/; slowest ${slowest.toFixed(1)} ms`,
    );
    // The properties above are not vacuous: sessions did open protected paths, and /staff/ was tried.
    expect(passedWithSession).toBeGreaterThan(0);
    expect(staffAsked).toBeGreaterThan(100);
  }, 120_000);
});

describe("the edge handler under other spellings of one path", () => {
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
  const outcome = (result: Awaited<ReturnType<TokenTarget["edge"]>>) =>
    result && "status" in result && result.status
      ? (result as CloudFrontResultResponse).status
      : `origin ${(result as CloudFrontRequest).uri}`;
  it(`decides every spelling as its canonical path, with and without a session (${RUNS / 2} cases)`, async () => {
    const ask = (uri: string, session: boolean) =>
      t.edge(
        viewerRequestEvent({
          host: SITE_HOST,
          uri,
          headers: session ? { cookie: [`__Host-sso-at=${pool.valid}`] } : {},
        }),
      );
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

  it("counts any change to the signing input or the signature's bytes as another token", () => {
    const [h, p, sig] = pool.valid.split(".") as [string, string, string];
    const flipped = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    expect(isSameJws(`${flipped(h, 3)}.${p}.${sig}`, pool.valid)).toBe(false);
    expect(isSameJws(`${h}.${flipped(p, 3)}.${sig}`, pool.valid)).toBe(false);
    expect(isSameJws(`${h}.${p}.${flipped(sig, 3)}`, pool.valid)).toBe(false);
  });
});
