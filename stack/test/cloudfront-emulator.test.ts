import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CloudFrontRequestEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CloudFrontEmulator, startCloudFrontEmulator } from "../src/cloudfront-emulator.js";

// A stand-in for packages/edge-auth/dist/index.js: CommonJS, reads config.json beside itself, as the
// real bundle does, and answers by URI so each test can look at one thing the emulator does.
const STAND_IN = `
const fs = require("node:fs");
const path = require("node:path");
exports.handler = async (event, context) => {
  const config = JSON.parse(fs.readFileSync(path.join(__dirname, "config.json"), "utf8"));
  const request = event.Records[0].cf.request;
  const h = (key, value) => [{ key, value }];
  switch (request.uri) {
    case "/echo":
      return { status: "200", headers: { "content-type": h("Content-Type", "application/json") },
        body: JSON.stringify({ event, config, functionName: context.functionName }) };
    case "/cookies":
      return { status: "302", statusDescription: "Found", headers: {
        location: h("Location", "/public/"),
        "set-cookie": [{ key: "Set-Cookie", value: "a=1; Path=/; HttpOnly" }, { key: "Set-Cookie", value: "b=2; Path=/; Secure" }],
      } };
    case "/binary":
      return { status: "200", headers: { "content-type": h("Content-Type", "application/octet-stream") },
        body: Buffer.from([0, 1, 2, 255]).toString("base64"), bodyEncoding: "base64" };
    case "/bad-header":
      return { status: "200", headers: { "x-cache": h("X-Cache", "Hit") }, body: "no" };
    case "/too-big":
      return { status: "200", body: "x".repeat(41 * 1024) };
    case "/throws":
      throw new Error("boom");
    case "/hangs":
      return new Promise(() => {});
    case "/rewrite":
      request.uri = "/public/index.html";
      return request;
    default:
      return request;
  }
};
`;

let dir: string;
let cf: CloudFrontEmulator;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cf-emulator-"));
  await writeFile(join(dir, "stand-in.js"), STAND_IN);
  const origin = join(dir, "origin");
  await mkdir(join(origin, "public"), { recursive: true });
  await writeFile(join(origin, "index.html"), "<h1>home</h1>");
  await writeFile(join(origin, "public", "index.html"), "<h1>public</h1>");
  await writeFile(join(origin, "style.css"), "body{}");
  cf = await startCloudFrontEmulator({
    edgeBundle: join(dir, "stand-in.js"),
    edgeConfig: { issuer: "http://localhost:1/realms/demo" },
    originDir: origin,
    functionName: "site-auth",
  });
});
afterAll(async () => {
  await cf?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Sends raw HTTP/1.1 so the test controls every header line (two Cookie lines, header case). */
function rawGet(path: string, headerLines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(cf.port, "127.0.0.1", () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: localhost:${cf.port}\r\n${headerLines.map((l) => `${l}\r\n`).join("")}Connection: close\r\n\r\n`,
      );
    });
    let data = "";
    socket.on("data", (d) => {
      data += d.toString("utf8");
    });
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
  });
}

async function echo(path: string, headerLines: string[] = []) {
  const raw = await rawGet(path, headerLines);
  const body = raw.slice(raw.indexOf("\r\n\r\n") + 4);
  return JSON.parse(body) as { event: CloudFrontRequestEvent; config: unknown; functionName: string };
}

describe("the CloudFront emulator", () => {
  it("gives the function a viewer-request event shaped as CloudFront's", async () => {
    const { event } = await echo("/echo?b=2&a=%20x", ["User-Agent: test/1.0"]);
    expect(Object.keys(event)).toEqual(["Records"]);
    const cfRecord = event.Records[0]?.cf;
    expect(cfRecord?.config).toEqual({
      distributionDomainName: "d111111abcdef8.cloudfront.net",
      distributionId: "EDFDVBD6EXAMPLE",
      eventType: "viewer-request",
      requestId: expect.stringMatching(/^[A-Za-z0-9_-]{54}==$/),
    });
    expect(cfRecord?.request).toEqual({
      clientIp: "127.0.0.1",
      headers: {
        host: [{ key: "Host", value: `localhost:${cf.port}` }],
        "user-agent": [{ key: "User-Agent", value: "test/1.0" }],
      },
      method: "GET",
      querystring: "b=2&a=%20x",
      uri: "/echo",
    });
  });

  it("passes two Cookie header lines as two entries of the cookie header", async () => {
    const { event } = await echo("/echo", ["Cookie: a=1; b=2", "cookie: c=3"]);
    expect(event.Records[0]?.cf.request.headers.cookie).toEqual([
      { key: "Cookie", value: "a=1; b=2" },
      { key: "cookie", value: "c=3" },
    ]);
  });

  it("runs the bundle from a copy with config.json beside it and a Lambda@Edge function name", async () => {
    const { config, functionName } = await echo("/echo");
    expect(config).toEqual({ issuer: "http://localhost:1/realms/demo" });
    expect(functionName).toBe("us-east-1.site-auth");
  });

  it("renders a generated response with its status and every set-cookie value", async () => {
    const res = await fetch(`${cf.url}/cookies`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/public/");
    expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/; HttpOnly", "b=2; Path=/; Secure"]);
    expect(res.headers.get("x-cache")).toBe("LambdaGeneratedResponse from cloudfront");
  });

  it("decodes a base64 body of a generated response", async () => {
    const res = await fetch(`${cf.url}/binary`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([0, 1, 2, 255]));
  });

  it("answers 502 when the function sets a header CloudFront does not allow", async () => {
    const res = await fetch(`${cf.url}/bad-header`);
    expect(res.status).toBe(502);
    expect(res.headers.get("x-cache")).toBe("LambdaValidationError from cloudfront");
  });

  it("answers 502 when a generated response is over the 40 KB viewer-request limit", async () => {
    expect((await fetch(`${cf.url}/too-big`)).status).toBe(502);
  });

  it("answers 503 when the function throws", async () => {
    expect((await fetch(`${cf.url}/throws`)).status).toBe(503);
  });

  it("answers 503 LambdaExecutionError when the function does not answer within Lambda@Edge's 5 s", async () => {
    const started = Date.now();

    const res = await fetch(`${cf.url}/hangs`);

    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.headers.get("x-cache")).toBe("LambdaExecutionError from cloudfront");
    expect(elapsed).toBeGreaterThanOrEqual(4_900);
    expect(elapsed).toBeLessThan(8_000);
  });

  it("serves the default root object for /", async () => {
    const res = await fetch(`${cf.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(await res.text()).toBe("<h1>home</h1>");
  });

  it("serves the URI the function changed the request to", async () => {
    expect(await (await fetch(`${cf.url}/rewrite`)).text()).toBe("<h1>public</h1>");
  });

  it("serves objects with their content type, an ETag and the response headers policy", async () => {
    const res = await fetch(`${cf.url}/style.css`);
    expect(res.headers.get("content-type")).toBe("text/css");
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const again = await fetch(`${cf.url}/style.css`, {
      headers: { "if-none-match": res.headers.get("etag") ?? "" },
    });
    expect(again.status).toBe(304);
  });

  it("answers 404 NoSuchKey for a missing key, as a private bucket with OAC and s3:ListBucket does", async () => {
    const res = await fetch(`${cf.url}/nope.html`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("<Code>NoSuchKey</Code>");
  });

  it("answers 404 for /dir/ by default, as an S3 REST origin has no index documents", async () => {
    expect((await fetch(`${cf.url}/public/`)).status).toBe(404);
  });

  it("refuses a method the cache behaviour does not allow", async () => {
    expect((await fetch(`${cf.url}/`, { method: "POST", body: "x" })).status).toBe(403);
  });

  it("keeps object keys literal: dot segments and empty segments name no object, as in S3", async () => {
    for (const path of [
      "/public/..%2Findex.html",
      "/x%3F%2F..%2F..%2Fstyle.css",
      "/public/./index.html",
      "/public//index.html",
    ]) {
      const raw = await rawGet(path, []);
      expect(raw.startsWith("HTTP/1.1 404"), path).toBe(true);
    }
  });

  it("does not serve files outside the origin folder", async () => {
    const raw = await rawGet("/../stand-in.js", []);
    expect(raw.startsWith("HTTP/1.1 404")).toBe(true);
  });
});

describe("the CloudFront emulator with a shorter function timeout", () => {
  it("gives the function its remaining time, answers 503 when it runs out, and serves the next request", async () => {
    let remaining = -1;
    const local = await startCloudFrontEmulator({
      handler: (event, context) => {
        remaining = context.getRemainingTimeInMillis();
        const request = event.Records[0]?.cf.request;
        return request?.uri === "/hangs" ? new Promise(() => {}) : (request ?? { status: "500" });
      },
      originDir: join(dir, "origin"),
      functionTimeoutMs: 300,
    });
    try {
      const hung = await fetch(`${local.url}/hangs`);
      const next = await fetch(`${local.url}/style.css`);

      expect(hung.status).toBe(503);
      expect(next.status).toBe(200);
      expect(remaining).toBeGreaterThan(0);
      expect(remaining).toBeLessThanOrEqual(300);
    } finally {
      await local.stop();
    }
  });
});

describe("the CloudFront emulator with directory indexes", () => {
  it("serves /dir/ as dir/index.html", async () => {
    const local = await startCloudFrontEmulator({
      handler: async (event) => event.Records[0]?.cf.request ?? { status: "500" },
      originDir: join(dir, "origin"),
      directoryIndex: true,
    });
    try {
      expect(await (await fetch(`${local.url}/public/`)).text()).toBe("<h1>public</h1>");
    } finally {
      await local.stop();
    }
  });
});
