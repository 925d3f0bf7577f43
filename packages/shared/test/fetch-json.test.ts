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
    if (req.url === "/echo") {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        res.setHeader("x-seen", "yes");
        res.end(JSON.stringify({ method: req.method, type: req.headers["content-type"], body }));
      });
      return;
    }
    if (req.url === "/declared-big") {
      res.setHeader("content-length", "5000");
      return res.end("x".repeat(5000));
    }
    if (req.url === "/chunked-big") {
      res.write('"');
      for (let i = 0; i < 50; i++) res.write("y".repeat(100));
      return res.end('"');
    }
    // 600 two-byte characters: 600 characters, 1,202 bytes with the quotes.
    if (req.url === "/multibyte") return res.end(JSON.stringify("é".repeat(600)));
    if (req.url === "/cut-off") {
      res.setHeader("content-length", "100");
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 20).unref();
      return;
    }
    if (req.url === "/garbage") return res.end("<html>");
    if (req.url === "/slow") return setTimeout(() => res.end("{}"), 2000).unref();
    if (req.url === "/null/.well-known/openid-configuration") return res.end("null");
    if (req.url?.endsWith("/.well-known/openid-configuration")) {
      const path = req.url.split("/.")[0];
      // An issuer may end in a slash (Auth0's do); its discovery URL does not double it.
      const issuer = req.url.startsWith("/bad")
        ? "https://evil.example"
        : `${base}${path}${path === "/slash" ? "/" : ""}`;
      const endpoint = req.url.startsWith("/script") ? "javascript:alert(1)" : `${base}/e`;
      return res.end(
        JSON.stringify({
          issuer,
          authorization_endpoint: endpoint,
          token_endpoint: `${base}/t`,
          jwks_uri: `${base}/j`,
        }),
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

  it("sends a URLSearchParams body as a form POST and exposes the answer's headers", async () => {
    const res = await fetchJson<{ method: string; type: string; body: string }>(`${base}/echo`, {
      upstream: "t",
      timeoutMs: 1000,
      init: { method: "POST", body: new URLSearchParams({ grant_type: "refresh_token", a: "b c" }) },
    });
    expect(res.body).toEqual({
      method: "POST",
      type: "application/x-www-form-urlencoded;charset=UTF-8",
      body: "grant_type=refresh_token&a=b+c",
    });
    expect(res.headers.get("x-seen")).toBe("yes");
  });

  it.each(["/declared-big", "/chunked-big"])("refuses an answer over maxBytes (%s)", async (path) => {
    await expect(
      fetchJson(`${base}${path}`, { upstream: "t", timeoutMs: 1000, maxBytes: 1000 }),
    ).rejects.toMatchObject({
      code: "upstream_unavailable",
      message: expect.stringContaining("larger than 1000 bytes"),
    });
  });

  it("counts maxBytes in bytes, not characters", async () => {
    await expect(
      fetchJson(`${base}/multibyte`, { upstream: "t", timeoutMs: 1000, maxBytes: 1000 }),
    ).rejects.toBeInstanceOf(UpstreamError);
    await expect(
      fetchJson(`${base}/multibyte`, { upstream: "t", timeoutMs: 1000, maxBytes: 1300 }),
    ).resolves.toMatchObject({ status: 200 });
  });

  it("fails with an UpstreamError when the answer is cut off midway", async () => {
    await expect(fetchJson(`${base}/cut-off`, { upstream: "t", timeoutMs: 1000 })).rejects.toMatchObject({
      code: "upstream_unavailable",
      message: expect.stringContaining("cut off"),
    });
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
      token_endpoint: `${base}/t`,
    });
  });

  it("accepts an issuer that ends in a slash when the document names it so, exactly", async () => {
    await expect(fetchDiscovery(`${base}/slash/`, { timeoutMs: 1000 })).resolves.toMatchObject({
      issuer: `${base}/slash/`,
    });
    await expect(fetchDiscovery(`${base}/slash`, { timeoutMs: 1000 })).rejects.toBeInstanceOf(UpstreamError);
  });

  it.each([
    ["a JSON null", "/null"],
    ["an endpoint that is not an https URL", "/script"],
  ])("refuses %s with an UpstreamError, not a TypeError", async (_what, path) => {
    await expect(fetchDiscovery(`${base}${path}`, { timeoutMs: 1000 })).rejects.toBeInstanceOf(UpstreamError);
  });

  it("refuses a document that names another issuer", async () => {
    await expect(fetchDiscovery(`${base}/bad`, { timeoutMs: 1000 })).rejects.toBeInstanceOf(UpstreamError);
  });
});
