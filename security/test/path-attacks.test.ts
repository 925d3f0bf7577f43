// Paths that try to reach a protected page through the public prefix (/public/*), in both edge modes:
// `lambda-edge` (the Lambda@Edge handler decides every path) and `cloudfront-function` (the shipped
// CloudFront Function decides the site's paths, the Lambda only `/_auth/*`). Without a session the
// origin is never reached: the login redirect (302) or 400 for a path that cannot be decoded. With a
// session, whatever reaches the origin is the canonical path of the object asked for, nothing else.
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SessionKey } from "@static-sso/authz-core";
import type { EdgeHandler } from "@static-sso/edge-auth";
import { buildSessionCheck } from "@static-sso/session-check";
// The stack's CloudFront emulator is what `npm start` serves the site with.
import { type CloudFrontEmulator, startCloudFrontEmulator, writeKvsFile } from "@static-sso/stack";
import { PAGE_LOAD_HEADERS } from "@static-sso/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forwardedObjectOf, NOT_CANONICAL } from "../src/arbitraries.js";
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
  SITE_RULES,
  type Site,
  tokenTargetConfig,
} from "../src/function-target.js";
import { ACCESS_COOKIE, SITE_HOST, startTokenTarget, type TokenTarget } from "../src/token-target.js";

let t: TokenTarget;
const key: SessionKey = newSessionKey();
const sites = {} as Record<EdgeMode, Site>;
const edges = {} as Record<EdgeMode, EdgeHandler>;
/** A session with the staff role, as each mode reads it. */
const staffCookie = {} as Record<EdgeMode, string>;
beforeAll(async () => {
  t = await startTokenTarget();
  edges["lambda-edge"] = t.edge;
  edges["cloudfront-function"] = edgeFor("cloudfront-function", tokenTargetConfig(t), key, {
    logSink: () => {},
  });
  sites["lambda-edge"] = lambdaSite(t.edge);
  sites["cloudfront-function"] = fastSite((await loadSessionCheck(key)).fn, edges["cloudfront-function"]);
  staffCookie["lambda-edge"] = `${ACCESS_COOKIE}=${await t.sign()}`;
  staffCookie["cloudfront-function"] =
    `${SESSION_COOKIE}=${mintSession(key, { roles: ["staff"], ttlSeconds: 300 })}`;
});
afterAll(async () => {
  await t?.close();
});

const REFUSED = [
  "/public/../staff/",
  "/public/..%2Fstaff/",
  "/public/..%2fstaff/index.html",
  "/public/%2e%2e/staff/",
  "/public/%2E%2E%2Fstaff%2F",
  "/public/..%252Fstaff/",
  "/public/..%25252Fstaff/",
  "/public\\..\\staff/",
  "/public/..%5Cstaff/",
  "/public/.%2e/staff/",
  "//public/../staff/",
  "/public/%00/../../staff/",
];

// FOUND AND FIXED: normalizePath (then the edge's own paths.ts) used to decide on a different path than
// the origin serves. It resolves dot segments before decoding and feeds decoded text back into `new URL`, which
// reads a decoded `?` or `#` as the start of a query or fragment. So `/public/x%3F%2F..%2F..%2Fstaff%2F`
// is "/public/x" to the edge, while an origin that decodes the key and resolves `..` (the local stack's
// S3 stand-in: decodeURIComponent, then path.join) serves staff/index.html. Real S3 keeps such keys
// literal, so on AWS the request most likely finds nothing; the edge should not depend on that.
const LEAKS = [
  "/public/x%3F%2F..%2F..%2Fstaff%2F",
  "/public/x%23%2F..%2F..%2Fstaff%2Findex.html",
  "/public/..%2Fstaff%2Findex.html%2Fx/..",
  "/public/x#/../../staff/",
];

// The edge's own prefix: CloudFront picks the `/_auth/*` behaviour on the raw path, so in the fast path
// these reach the Lambda, not the function, which must decide them as the pages they name.
const THROUGH_AUTH = [
  "/_auth/../staff/",
  "/_auth/..%2Fstaff/",
  "/_auth/%2e%2e/staff/index.html",
  "/_auth/callback/../../staff/",
  "/_auth/login/..%5C..%5Cstaff/",
];

describe.each(EDGE_MODES)("paths through the public prefix (%s)", (mode) => {
  const ask = (uri: string, cookie?: string) =>
    sites[mode]({
      host: SITE_HOST,
      uri,
      headers: {
        ...Object.fromEntries(Object.entries(PAGE_LOAD_HEADERS).map(([k, v]) => [k, [v]])),
        ...(cookie ? { cookie: [cookie] } : {}),
      },
    });

  it("serves /public/ itself without a session (the control case)", async () => {
    expect(await ask("/public/style.css")).toMatchObject({
      kind: "origin",
      uri: "/public/style.css",
      by: mode,
    });
  });

  for (const uri of REFUSED) {
    it(`refuses ${JSON.stringify(uri)} without a session: login redirect or 400, never the origin`, async () => {
      const answer = await ask(uri);
      expect(answer.kind, "reached the origin").toBe("answer");
      expect([302, 400]).toContain(answer.kind === "answer" ? answer.status : 0);
      expect(answer.by).toBe(mode);
    });
  }

  for (const uri of LEAKS) {
    it(`refuses ${JSON.stringify(uri)} without a session: never the origin`, async () => {
      expect((await ask(uri)).kind, "reached the origin").toBe("answer");
    });
  }

  for (const uri of THROUGH_AUTH) {
    it(`refuses ${JSON.stringify(uri)} without a session: the Lambda's login redirect or 400, never the origin`, async () => {
      const answer = await ask(uri);
      expect(answer.kind, "reached the origin").toBe("answer");
      expect([302, 400]).toContain(answer.kind === "answer" ? answer.status : 0);
      expect(answer.by).toBe("lambda-edge");
    });
  }

  it("with a staff session sends the origin only the canonical path of the object asked for", async () => {
    let passed = 0;
    for (const uri of [...REFUSED, ...LEAKS, ...THROUGH_AUTH]) {
      const answer = await ask(uri, staffCookie[mode]);
      if (answer.kind === "answer") {
        // Only a path that cannot be made canonical is refused; never a redirect with a good session.
        expect(answer.status, uri).toBe(400);
        continue;
      }
      passed++;
      expect(answer.uri, uri).not.toMatch(NOT_CANONICAL);
      expect(answer.uri, uri).toBe(forwardedObjectOf(uri));
    }
    // Not vacuous: the plain `..` spellings do reach the staff page, as its canonical path.
    expect(await ask("/public/../staff/", staffCookie[mode])).toMatchObject({
      kind: "origin",
      uri: "/staff/index.html",
      by: mode,
    });
    expect(passed).toBeGreaterThan(3);
  });
});

/** GET with the path sent exactly as written (node:http, not fetch, which would resolve `..`). */
function rawGet(base: string, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${base}/`, { path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

describe.each(EDGE_MODES)(
  "the same paths through the local stack's CloudFront emulator and S3 stand-in (%s)",
  (mode) => {
    const STAFF_PAGE = "<title>Staff area";
    let cf: CloudFrontEmulator;
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "path-attacks-"));
      const kvsFile = join(dir, "kvs.json");
      writeKvsFile(kvsFile, { "session-key-current": `${key.kid}:${key.secret}` });
      cf = await startCloudFrontEmulator({
        // Not the handler itself: the emulator passes a Lambda context second, where createHandler's
        // handler takes a deadline (the shipped lambda.ts makes one from that context).
        handler: (event) => edges[mode](event),
        originDir: fileURLToPath(new URL("../../stack/site", import.meta.url)),
        // As the local stack: a real S3 REST origin has no index documents; the edge adds index.html.
        directoryIndex: false,
        ...(mode === "cloudfront-function"
          ? { viewerFunction: { code: (await buildSessionCheck(SITE_RULES)).code, kvsFile, log: () => {} } }
          : {}),
      });
    });
    afterAll(async () => {
      await cf?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    for (const uri of [...REFUSED, ...LEAKS, ...THROUGH_AUTH]) {
      it(`never serves the staff page without a session for ${JSON.stringify(uri)}`, async () => {
        const res = await rawGet(cf.url, uri, PAGE_LOAD_HEADERS);
        expect(res.body).not.toContain(STAFF_PAGE);
        expect([302, 400]).toContain(res.status);
      });
    }

    it("serves the staff page for /public/../staff/ with a staff session (the control case)", async () => {
      const res = await rawGet(cf.url, "/public/../staff/", {
        ...PAGE_LOAD_HEADERS,
        cookie: staffCookie[mode],
      });
      expect(res.status).toBe(200);
      expect(res.body).toContain(STAFF_PAGE);
    });
  },
);
