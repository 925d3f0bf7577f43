import { createHash, createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mintSessionToken, type SessionClaims, type SessionKey } from "@static-sso/authz-core";
import { buildSessionCheck } from "@static-sso/session-check";
import { hmacSha256 } from "@static-sso/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CloudFrontFunction,
  cloudFrontFunctionEvent,
  FunctionLoadError,
  loadCloudFrontFunction,
} from "../src/cloudfront/function-sandbox.js";
import { writeKvsFile } from "../src/cloudfront/kvs-file.js";
import { demoEdgeConfig } from "../src/demo-edge-config.js";

const handlerOf = (body: string) => `function handler(event) { ${body} }`;
/** Runs a one-off function body in a fresh sandbox and returns what came of it. */
const runBody = (body: string, kvs?: ReadonlyMap<string, string>) =>
  loadCloudFrontFunction(handlerOf(body), { kvs }).run(cloudFrontFunctionEvent({ uri: "/" }));

describe("the cloudfront-js-2.0 sandbox offers only what the runtime documents", () => {
  it.each([
    ["require('fs')", "require('fs'); return event.request;", /Cannot find module 'fs'/],
    ["require('child_process')", "require('child_process'); return event.request;", /Cannot find module/],
    ["process.env", "return { statusCode: 200, body: String(process.env.HOME) };", /process is not defined/],
    ["fetch", "fetch('http://127.0.0.1/'); return event.request;", /fetch is not defined/],
    ["setTimeout", "setTimeout(function () {}, 1); return event.request;", /setTimeout is not defined/],
    ["Buffer", "return { statusCode: 200, body: Buffer.from('x').toString() };", /Buffer is not defined/],
    ["eval", "return { statusCode: 200, body: String(eval('1 + 1')) };", /EvalError|Code generation/],
    [
      "new Function",
      "return { statusCode: 200, body: String(new Function('return 1')()) };",
      /EvalError|Code generation/,
    ],
    [
      "the host's Function through a provided function",
      "return { statusCode: 200, body: String(console.log.constructor('return process')()) };",
      /EvalError|Code generation/,
    ],
    [
      "WebAssembly",
      "return { statusCode: 200, body: typeof WebAssembly.Module };",
      /WebAssembly is not defined/,
    ],
    [
      "require('buffer'), documented but not offered",
      "require('buffer'); return event.request;",
      /not offered/,
    ],
  ])("%s fails there", (_, body, message) => {
    const result = runBody(body);
    expect(result.kind).toBe("error");
    expect(result.kind === "error" && result.message).toMatch(message);
  });

  it("an import of any module but cloudfront and crypto refuses to load", () => {
    expect(() =>
      loadCloudFrontFunction(`import fs from "fs";\n${handlerOf("return event.request;")}`),
    ).toThrow(FunctionLoadError);
  });

  it("an ES module export refuses to load (CloudFront wants a plain top-level handler)", () => {
    expect(() => loadCloudFrontFunction("export function handler(event) { return event.request; }")).toThrow(
      FunctionLoadError,
    );
  });

  it("a file without a handler refuses to load", () => {
    expect(() => loadCloudFrontFunction("function main(event) { return event.request; }")).toThrow(
      /no top-level handler/,
    );
  });

  it("the function runs in strict mode, as the runtime runs every function", () => {
    const result = runBody("undeclared = 1; return event.request;");
    expect(result.kind === "error" && result.message).toMatch(/undeclared is not defined/);
  });

  it("a handler that never stops is stopped", () => {
    const fn = loadCloudFrontFunction(handlerOf("while (true) {}"), { timeoutMs: 50 });
    expect(fn.run(cloudFrontFunctionEvent({ uri: "/" })).kind).toBe("error");
  });

  it("the documented modules work: crypto's HMAC and hash, the KeyValueStore, console.log", () => {
    const lines: string[] = [];
    const fn = loadCloudFrontFunction(
      `import cf from "cloudfront";
import crypto from "crypto";
const kvs = cf.kvs();
async function handler(event) {
  const v = await kvs.get("greeting");
  const missing = await kvs.get("nope").then(() => "found", (e) => e.message);
  console.log("hello", v);
  const h = crypto.createHmac("sha256", "k").update("d").digest("hex");
  const s = require("crypto").createHash("sha1").update("d").digest("base64url");
  return { statusCode: 200, body: [v, missing, h, s].join(" ") };
}`,
      { kvs: new Map([["greeting", "hi"]]), log: (line) => lines.push(line) },
    );
    const result = fn.run(cloudFrontFunctionEvent({ uri: "/" }));
    expect(result).toMatchObject({ kind: "response", response: { statusCode: 200 } });
    const body = result.kind === "response" ? String(result.response.body) : "";
    expect(body.split(" ")).toEqual([
      "hi",
      "KeyNotFound",
      createHmac("sha256", "k").update("d").digest("hex"),
      createHash("sha1").update("d").digest("base64url"),
    ]);
    expect(lines).toEqual(["hello hi"]);
  });

  it("with no KeyValueStore associated, cf.kvs() throws as CloudFront's does", () => {
    const result = loadCloudFrontFunction(
      `import cf from "cloudfront";\n${handlerOf("cf.kvs(); return event.request;")}`,
    ).run(cloudFrontFunctionEvent({ uri: "/" }));
    expect(result.kind === "error" && result.message).toMatch(/KVSNamespaceNotFound/);
  });
});

// The demo site's function, built exactly as `pnpm build` writes it, run in the sandbox.
describe("session-check in the sandbox", () => {
  const NOW = () => Math.floor(Date.now() / 1000);
  const key = (kid: string): SessionKey => ({ kid, secret: randomBytes(32).toString("base64url") });
  const k1 = key("k1");
  const k2 = key("k2");
  const alice: SessionClaims = { sub: "alice-id", roles: ["staff"], exp: 0, refresh: true };
  const bob: SessionClaims = { sub: "bob-id", roles: [], exp: 0, refresh: true };
  const mint = (claims: SessionClaims, k: SessionKey, ttl = 300, now = NOW()) =>
    mintSessionToken({ ...claims, exp: now + ttl }, k, hmacSha256, now);
  const COOKIE = "__Host-sso-session";
  let dir: string;
  let kvsFile: string;
  let fn: CloudFrontFunction;
  const logs: string[] = [];

  const page = (uri: string, cookie?: string, extra: { query?: string; fetch?: boolean } = {}) =>
    fn.run(
      cloudFrontFunctionEvent({
        uri,
        query: extra.query,
        cookies: cookie === undefined ? {} : { [COOKIE]: cookie },
        headers: extra.fetch
          ? { accept: "application/json", "sec-fetch-mode": "cors" }
          : { accept: "text/html", "sec-fetch-mode": "navigate" },
      }),
    );
  const status = (r: ReturnType<typeof page>) => (r.kind === "response" ? r.response.statusCode : r.kind);
  const location = (r: ReturnType<typeof page>) =>
    r.kind === "response" ? r.response.headers?.location?.value : undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "session-check-"));
    kvsFile = join(dir, "kvs.json");
    writeKvsFile(kvsFile, {
      "session-key-current": `k2:${k2.secret}`,
      "session-key-previous": `k1:${k1.secret}`,
    });
    const demo = demoEdgeConfig({ issuer: "x", clientId: "x", validateUrl: "x" });
    const built = await buildSessionCheck({
      publicPaths: demo.publicPaths as string[],
      requiredRoles: demo.requiredRoles as Record<string, string[]>,
    });
    fn = loadCloudFrontFunction(built.code, { kvs: kvsFile, log: (line) => logs.push(line) });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the demo rules the build uses by default are the stack's demo edge config's", () => {
    const demo = demoEdgeConfig({ issuer: "x", clientId: "x", validateUrl: "x" });
    const siteRules = JSON.parse(
      readFileSync(join(__dirname, "../../packages/session-check/site-rules.json"), "utf8"),
    );
    expect(siteRules).toEqual({ publicPaths: demo.publicPaths, requiredRoles: demo.requiredRoles });
  });

  it("a valid cookie with the role passes, with the canonical path as the uri", () => {
    const r = page("/staff/./a/../%7Estaff//", mint(alice, k2));
    expect(r).toMatchObject({ kind: "request", request: { uri: "/staff/~staff/index.html" } });
  });

  it("a public page passes without a cookie, as its canonical path", () => {
    expect(page("/public/%61.css")).toMatchObject({ kind: "request", request: { uri: "/public/a.css" } });
  });

  it("a cookie signed with the previous key still passes (rotation)", () => {
    expect(page("/staff/", mint(alice, k1)).kind).toBe("request");
  });

  it("a valid cookie without the role gets 403", () => {
    expect(status(page("/staff/", mint(bob, k2)))).toBe(403);
    expect(page("/docs/", mint(bob, k2)).kind).toBe("request");
  });

  it("a forged cookie (signed by an unknown key under a known kid) never passes", () => {
    const forged = mint(alice, { kid: "k2", secret: key("x").secret });
    expect(status(page("/staff/", forged))).toBe(302);
    expect(status(page("/docs/", forged, { fetch: true }))).toBe(401);
  });

  it("an altered cookie (roles swapped into bob's) never passes", () => {
    const [v, kid, , sig] = mint(bob, k2).split(".");
    const [, , payload] = mint(alice, k2).split(".");
    expect(page("/staff/", `${v}.${kid}.${payload}.${sig}`).kind).toBe("response");
  });

  it("an expired cookie never passes: a navigation goes to /_auth/refresh with the page to come back to", () => {
    const expired = mint(alice, k2, 60, NOW() - 120);
    const r = page("/staff/report.html", expired, { query: "a=1&b=x%20y" });
    expect(status(r)).toBe(302);
    expect(location(r)).toBe(`/_auth/refresh?return=${encodeURIComponent("/staff/report.html?a=1&b=x%20y")}`);
  });

  it("an expired cookie without a refresh token behind it goes to /_auth/login", () => {
    const expired = mint({ ...alice, refresh: false }, k2, 60, NOW() - 120);
    expect(location(page("/staff/", expired))).toBe(`/_auth/login?return=${encodeURIComponent("/staff/")}`);
  });

  it("a cookie of a foreign kid never passes", () => {
    expect(status(page("/staff/", mint(alice, key("k9"))))).toBe(302);
  });

  it("no cookie: a navigation goes to /_auth/login, a fetch gets 401 JSON", () => {
    expect(location(page("/docs/"))).toBe(`/_auth/login?return=${encodeURIComponent("/docs/")}`);
    const api = page("/docs/data.json", undefined, { fetch: true });
    expect(status(api)).toBe(401);
    const body = api.kind === "response" ? api.response.body : undefined;
    expect(JSON.parse((body as { data: string }).data)).toMatchObject({
      error: "login_required",
      reason: "no_session",
    });
  });

  it("a path that cannot be made canonical gets 400, cookie or not", () => {
    expect(status(page("/staff/%2e%2e%2fadmin", mint(alice, k2)))).toBe(400);
    expect(status(page("/public/a%00b"))).toBe(400);
  });

  it("keys rotate on disk with no restart: a new current key passes, the one rotated out no longer does", () => {
    const k3 = key("k3");
    const oldCookie = mint(alice, k1);
    writeKvsFile(kvsFile, {
      "session-key-current": `k3:${k3.secret}`,
      "session-key-previous": `k2:${k2.secret}`,
    });
    try {
      expect(page("/staff/", mint(alice, k3)).kind).toBe("request");
      expect(page("/staff/", mint(alice, k2)).kind).toBe("request");
      expect(status(page("/staff/", oldCookie))).toBe(302);
    } finally {
      writeKvsFile(kvsFile, {
        "session-key-current": `k2:${k2.secret}`,
        "session-key-previous": `k1:${k1.secret}`,
      });
    }
  });

  it("with no key in the store, a protected page is 503, never passed", () => {
    writeKvsFile(kvsFile, {});
    try {
      expect(status(page("/staff/", mint(alice, k2)))).toBe(503);
      expect(page("/public/a.css").kind).toBe("request");
    } finally {
      writeKvsFile(kvsFile, {
        "session-key-current": `k2:${k2.secret}`,
        "session-key-previous": `k1:${k1.secret}`,
      });
    }
  });

  it("logs one JSON line per answered request, without the cookie", () => {
    const cookie = mint(bob, k2);
    logs.length = 0;
    page("/staff/", cookie);
    expect(logs).toHaveLength(1);
    expect(JSON.parse(logs[0] as string)).toMatchObject({
      fn: "session-check",
      outcome: "forbidden",
      reason: "role_missing",
      status: 403,
    });
    expect(logs[0]).not.toContain(cookie.split(".")[3]);
  });
});
