import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchDiscovery } from "../src/discovery.js";
import { UpstreamError } from "../src/errors.js";
import { fetchJson } from "../src/fetch-json.js";

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/json") return res.end('{"ok":true}');
    if (req.url === "/garbage") return res.end("<html>");
    if (req.url === "/slow") return setTimeout(() => res.end("{}"), 2000).unref();
    if (req.url?.endsWith("/.well-known/openid-configuration")) {
      const issuer = req.url.startsWith("/good") ? `${base}/good` : "https://evil.example";
      return res.end(
        JSON.stringify({ issuer, authorization_endpoint: "a", token_endpoint: "t", jwks_uri: "j" }),
      );
    }
    res.statusCode = 404;
    res.end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

describe("fetchJson", () => {
  it("returns the parsed body and status", async () => {
    const res = await fetchJson(`${base}/json`, { upstream: "t", timeoutMs: 1000 });
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
  });

  it("fails with an UpstreamError when the body is not JSON", async () => {
    await expect(fetchJson(`${base}/garbage`, { upstream: "t", timeoutMs: 1000 })).rejects.toBeInstanceOf(
      UpstreamError,
    );
  });

  it("fails with an UpstreamError at its deadline", async () => {
    const started = Date.now();
    await expect(fetchJson(`${base}/slow`, { upstream: "t", timeoutMs: 100 })).rejects.toMatchObject({
      code: "upstream_unavailable",
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("fails with an UpstreamError when nothing listens", async () => {
    await expect(fetchJson("http://127.0.0.1:1/", { upstream: "t", timeoutMs: 500 })).rejects.toBeInstanceOf(
      UpstreamError,
    );
  });
});

describe("fetchDiscovery", () => {
  it("accepts a document whose issuer matches", async () => {
    await expect(fetchDiscovery(`${base}/good`, { timeoutMs: 1000 })).resolves.toMatchObject({
      token_endpoint: "t",
    });
  });

  it("refuses a document that names another issuer", async () => {
    await expect(fetchDiscovery(`${base}/bad`, { timeoutMs: 1000 })).rejects.toBeInstanceOf(UpstreamError);
  });
});
