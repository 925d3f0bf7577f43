import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mintSessionToken, type SessionClaims, type SessionKey } from "@static-sso/authz-core";
import { buildSessionCheck } from "@static-sso/session-check";
import { hmacSha256 } from "@static-sso/shared";
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { writeKvsFile } from "../src/cloudfront/kvs-file.js";
import {
  type CloudFrontEmulator,
  type RequestLogLine,
  startCloudFrontEmulator,
} from "../src/cloudfront-emulator.js";
import { demoEdgeConfig } from "../src/demo-edge-config.js";
import { siteRulesOf } from "../src/fast-path.js";
import { type RawResponse, rawRequest } from "../src/raw-http.js";

// The fast path in the emulator: the demo site's CloudFront Function, built exactly as uploaded, on the
// site's behaviours, and a Lambda@Edge handler in process on `/_auth/*` that records what reaches it.

const NOW = () => Math.floor(Date.now() / 1000);
const key: SessionKey = { kid: "k1", secret: randomBytes(32).toString("base64url") };
const alice: SessionClaims = { sub: "alice-id", roles: ["staff"], exp: 0, refresh: true };
const mint = (claims: SessionClaims, k: SessionKey = key) =>
  mintSessionToken({ ...claims, exp: NOW() + 300 }, k, hmacSha256, NOW());
const COOKIE = "__Host-sso-session";
const PAGE = { accept: "text/html", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };

let dir: string;
let origin: string;
let cf: CloudFrontEmulator;
const lambdaCalls: CloudFrontRequestEvent[] = [];
const lines: RequestLogLine[] = [];
const functionLogs: string[] = [];

/** Stands in for the edge under /_auth/: answers every request itself, so nothing there reaches S3. */
async function authHandler(event: CloudFrontRequestEvent): Promise<CloudFrontRequestResult> {
  lambdaCalls.push(event);
  const request = event.Records[0]?.cf.request;
  return {
    status: "200",
    headers: { "content-type": [{ key: "Content-Type", value: "text/plain" }] },
    body: `lambda ${request?.method} ${request?.uri}`,
  };
}

/** A request to the emulator with its path sent as written (dot segments and escapes kept). */
function send(
  path: string,
  init: { method?: string; headers?: Record<string, string>; port?: number } = {},
): Promise<RawResponse> {
  const { port, ...rest } = init;
  return rawRequest(`http://127.0.0.1:${port ?? cf.port}/`, { ...rest, path });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cf-fast-path-"));
  origin = join(dir, "origin");
  await mkdir(join(origin, "staff"), { recursive: true });
  await mkdir(join(origin, "public"), { recursive: true });
  await writeFile(join(origin, "staff", "index.html"), "<h1>staff</h1>");
  await writeFile(join(origin, "public", "index.html"), "<h1>public</h1>");
  const kvsFile = join(dir, "kvs.json");
  writeKvsFile(kvsFile, { "session-key-current": `${key.kid}:${key.secret}` });
  const demo = demoEdgeConfig({ issuer: "http://localhost:1/realms/demo", clientId: "x", validateUrl: "x" });
  const { code } = await buildSessionCheck(siteRulesOf(demo));
  cf = await startCloudFrontEmulator({
    handler: authHandler,
    originDir: origin,
    viewerFunction: { code, kvsFile, log: (line) => functionLogs.push(line) },
    onRequest: (line) => lines.push(line),
  });
});
afterAll(async () => {
  await cf?.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  lambdaCalls.length = 0;
  lines.length = 0;
  functionLogs.length = 0;
});

describe("the emulator with a CloudFront Function on the site's behaviours", () => {
  it("answers a page view without a session itself: 302 to /_auth/login with the page, no Lambda@Edge", async () => {
    const res = await send("/staff/report.html?a=1", { headers: PAGE });

    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/_auth/login?return=${encodeURIComponent("/staff/report.html?a=1")}`);
    expect(res.headers["x-cache"]).toBe("FunctionGeneratedResponse from cloudfront");
    expect(lambdaCalls).toEqual([]);
    expect(lines).toEqual([
      expect.objectContaining({
        uri: "/staff/report.html",
        status: 302,
        source: "function",
        runtime: "cloudfront-function",
      }),
    ]);
    expect(JSON.parse(functionLogs[0] as string)).toMatchObject({
      fn: "session-check",
      reason: "no_session",
    });
  });

  it("sends a valid session on to the origin with the canonical URI, no Lambda@Edge", async () => {
    const res = await send("/staff/./x/../", { headers: { ...PAGE, cookie: `${COOKIE}=${mint(alice)}` } });

    expect(res.status).toBe(200);
    expect(res.body).toBe("<h1>staff</h1>");
    expect(res.headers["x-cache"]).toBe("Miss from cloudfront");
    expect(lambdaCalls).toEqual([]);
    expect(lines).toEqual([
      expect.objectContaining({
        method: "GET",
        status: 200,
        source: "origin",
        runtime: "cloudfront-function",
      }),
    ]);
  });

  it("never lets a forged session reach the origin", async () => {
    const forged = mint(alice, { kid: key.kid, secret: randomBytes(32).toString("base64url") });
    const nav = await send("/staff/", { headers: { ...PAGE, cookie: `${COOKIE}=${forged}` } });
    const api = await send("/staff/", {
      headers: { accept: "application/json", "sec-fetch-mode": "cors", cookie: `${COOKIE}=${forged}` },
    });

    expect(nav.status).toBe(302);
    expect(api.status).toBe(401);
    expect(nav.body + api.body).not.toContain("<h1>staff</h1>");
    expect(lines.map((l) => l.source)).toEqual(["function", "function"]);
    expect(lambdaCalls).toEqual([]);
  });

  it("serves a public page through the function without a cookie", async () => {
    const res = await send("/public/");
    expect(res.body).toBe("<h1>public</h1>");
    expect(lines[0]).toMatchObject({ source: "origin", runtime: "cloudfront-function" });
  });

  it("sends /_auth/* to Lambda@Edge, every method allowed there: the logout form's POST reaches it", async () => {
    const post = await send("/_auth/logout", { method: "POST", headers: { origin: "http://localhost" } });
    const login = await send("/_auth/login?return=%2Fstaff%2F", { headers: PAGE });

    expect(post.body).toBe("lambda POST /_auth/logout");
    expect(login.body).toBe("lambda GET /_auth/login");
    expect(lambdaCalls[1]?.Records[0]?.cf.request.querystring).toBe("return=%2Fstaff%2F");
    expect(lines).toEqual([
      expect.objectContaining({
        method: "POST",
        uri: "/_auth/logout",
        source: "lambda",
        runtime: "lambda-edge",
      }),
      expect.objectContaining({
        method: "GET",
        uri: "/_auth/login",
        source: "lambda",
        runtime: "lambda-edge",
      }),
    ]);
    expect(functionLogs).toEqual([]);
  });

  it("matches /_auth/* on the raw path, as CloudFront does: an encoded _ is the function's", async () => {
    await send("/%5Fauth/login", { headers: PAGE });
    expect(lambdaCalls).toEqual([]);
    expect(lines[0]).toMatchObject({ runtime: "cloudfront-function" });
  });

  it("still refuses a method the site's behaviours do not allow, before either function", async () => {
    const res = await send("/staff/", { method: "POST", headers: { cookie: `${COOKIE}=${mint(alice)}` } });
    expect(res.status).toBe(403);
    expect(res.headers["x-cache"]).toBe("Error from cloudfront");
    expect(lines[0]).toMatchObject({ status: 403, source: "cloudfront", runtime: "none" });
  });
});

// A function that answers with the event it got, to look at the event's shape.
const ECHO = `function handler(event) {
  return { statusCode: 200, headers: { "content-type": { value: "application/json" } }, body: JSON.stringify(event) };
}`;

/** Raw HTTP/1.1, so the test controls every header line (repeats, case, two Cookie lines). */
function rawGet(port: number, path: string, headerLines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: localhost:${port}\r\n${headerLines.map((l) => `${l}\r\n`).join("")}Connection: close\r\n\r\n`,
      );
    });
    const chunks: Buffer[] = [];
    socket.on("data", (d: Buffer) => chunks.push(d));
    // latin1: one character per byte, so a binary body survives.
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.on("error", reject);
  });
}

/** An emulator with the given function code; the Lambda@Edge handler must never run. */
async function withFunction<T>(code: string, use: (local: CloudFrontEmulator) => Promise<T>): Promise<T> {
  const kvsFile = join(dir, "empty-kvs.json");
  writeKvsFile(kvsFile, {});
  const local = await startCloudFrontEmulator({
    handler: () => {
      throw new Error("Lambda@Edge must not run here");
    },
    originDir: origin,
    viewerFunction: { code, kvsFile, log: () => {} },
  });
  try {
    return await use(local);
  } finally {
    await local.stop();
  }
}

describe("the CloudFront Functions event and response as the emulator makes and renders them", () => {
  it("gives the function CloudFront Functions' event: lower-case headers, parsed cookies and query, multiValue for repeats", async () => {
    const event = await withFunction(ECHO, async (local) => {
      const raw = await rawGet(local.port, "/a%20b/?x=1&y=%2F&x=2&flag", [
        "User-Agent: test/1.0",
        "Accept: text/html",
        "accept: application/json",
        "Cookie: a=1; b=x=y",
        "cookie: a=2; __proto__=p",
      ]);
      return JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4));
    });

    expect(event).toEqual({
      version: "1.0",
      context: {
        distributionDomainName: "d111111abcdef8.cloudfront.net",
        distributionId: "EDFDVBD6EXAMPLE",
        eventType: "viewer-request",
        requestId: expect.stringMatching(/^[A-Za-z0-9_-]{54}==$/),
      },
      viewer: { ip: "127.0.0.1" },
      request: {
        method: "GET",
        uri: "/a%20b/",
        querystring: {
          x: { value: "1", multiValue: [{ value: "1" }, { value: "2" }] },
          y: { value: "%2F" },
          flag: { value: "" },
        },
        headers: {
          host: { value: expect.stringMatching(/^localhost:\d+$/) },
          "user-agent": { value: "test/1.0" },
          accept: { value: "text/html", multiValue: [{ value: "text/html" }, { value: "application/json" }] },
        },
        cookies: {
          a: { value: "1", multiValue: [{ value: "1" }, { value: "2" }] },
          b: { value: "x=y" },
          ["__proto__"]: { value: "p" },
        },
      },
    });
  });

  it("renders a function's response: status, description, capitalised headers, one Set-Cookie per cookie, base64 body", async () => {
    const code = `function handler(event) {
  return {
    statusCode: 401, statusDescription: "Nope",
    headers: { "x-custom-thing": { value: "a", multiValue: [{ value: "a" }, { value: "b" }] } },
    cookies: { s: { value: "1", attributes: "Path=/; HttpOnly" }, t: { value: "2" } },
    body: { encoding: "base64", data: "AAEC/w==" }
  };
}`;
    const raw = await withFunction(code, (local) => rawGet(local.port, "/x", []));
    const [head = "", body = ""] = raw.split("\r\n\r\n");

    expect(head.split("\r\n")[0]).toBe("HTTP/1.1 401 Nope");
    expect(head).toContain("\r\nX-Custom-Thing: a\r\nX-Custom-Thing: b\r\n");
    expect(head).toContain("\r\nSet-Cookie: s=1; Path=/; HttpOnly\r\nSet-Cookie: t=2\r\n");
    expect(head).toContain("\r\nx-cache: FunctionGeneratedResponse from cloudfront\r\n");
    expect(Buffer.from(body, "latin1")).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it.each([
    ["throws", "throw new Error('boom');", 503, "FunctionExecutionError from cloudfront"],
    [
      "uses what the runtime lacks",
      "return { statusCode: 200, body: String(process.env.HOME) };",
      503,
      "FunctionExecutionError from cloudfront",
    ],
    [
      "sets a header CloudFront forbids",
      "return { statusCode: 200, headers: { 'x-cache': { value: 'Hit' } } };",
      502,
      "FunctionValidationError from cloudfront",
    ],
    [
      "returns a status that is no status",
      "return { statusCode: 42 };",
      502,
      "FunctionValidationError from cloudfront",
    ],
    [
      "changes the read-only host header",
      "event.request.headers.host = { value: 'evil' }; return event.request;",
      502,
      "FunctionValidationError from cloudfront",
    ],
    [
      "returns a uri not starting with /",
      "event.request.uri = 'staff/'; return event.request;",
      502,
      "FunctionValidationError from cloudfront",
    ],
  ])(
    "answers a function that %s with CloudFront's error page, never the origin",
    async (_, body, status, cache) => {
      const res = await withFunction(`function handler(event) { ${body} }`, (local) =>
        send("/public/", { port: local.port }),
      );
      expect(res.status).toBe(status);
      expect(res.headers["x-cache"]).toBe(cache);
      expect(res.body).not.toContain("<h1>public</h1>");
    },
  );

  it("refuses to start with a function that cannot load in cloudfront-js-2.0", async () => {
    await expect(
      withFunction("export function handler(e) { return e.request; }", async () => {}),
    ).rejects.toThrow(/does not load in cloudfront-js-2.0/);
  });
});
