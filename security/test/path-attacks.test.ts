// Paths that try to reach a protected page through the public prefix (/public/*), without a session.
// The origin must never be reached: the answer is the login redirect (302) or 400 for a path that
// cannot be decoded.
import { fileURLToPath } from "node:url";
// The stack's CloudFront emulator is what `npm start` serves the site with.
import { startCloudFrontEmulator } from "@static-sso/stack";
import { PAGE_LOAD_HEADERS, viewerRequestEvent } from "@static-sso/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generated, startTokenTarget, type TokenTarget } from "../src/token-target.js";

let t: TokenTarget;
beforeAll(async () => {
  t = await startTokenTarget();
});
afterAll(async () => {
  await t?.close();
});

async function answerFor(uri: string) {
  return generated(
    await t.edge(viewerRequestEvent({ host: "site.example.com", uri, headers: PAGE_LOAD_HEADERS })),
  );
}

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

describe("paths through the public prefix", () => {
  it("serves /public/ itself without a session (the control case)", async () => {
    expect(await answerFor("/public/style.css")).toBeUndefined();
  });

  for (const uri of REFUSED) {
    it(`refuses ${JSON.stringify(uri)} without a session: login redirect or 400, never the origin`, async () => {
      const answer = await answerFor(uri);
      expect(answer, "reached the origin").toBeDefined();
      expect(["302", "400"]).toContain(answer?.status);
    });
  }

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
  for (const uri of LEAKS) {
    it(`refuses ${JSON.stringify(uri)} without a session: never the origin`, async () => {
      expect(await answerFor(uri), "reached the origin").toBeDefined();
    });
  }
});

describe("the same paths through the local stack's CloudFront emulator and S3 stand-in", () => {
  it("never serves the staff page without a session for /public/x%3F%2F..%2F..%2Fstaff%2F", async () => {
    const cf = await startCloudFrontEmulator({
      handler: t.edge as never,
      originDir: fileURLToPath(new URL("../../stack/site", import.meta.url)),
      directoryIndex: true,
    });
    try {
      const res = await fetch(`${cf.url}/public/x%3F%2F..%2F..%2Fstaff%2F`, { redirect: "manual" });
      expect(await res.text()).not.toContain("Staff area");
    } finally {
      await cf.stop();
    }
  });
});
