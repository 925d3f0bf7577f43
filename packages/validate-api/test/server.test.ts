import { connect } from "node:net";
import { createLogger } from "@static-sso/shared";
import type { FakeIssuer } from "@static-sso/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startValidateServer, type ValidateServer } from "../src/server.js";
import { apiOptions } from "./api-options.js";
import { CONTRACT_CASES, type ContractRequest } from "./contract-cases.js";
import {
  createKeys,
  goodToken,
  type Keys,
  logLines,
  pathologicalBearer,
  startIssuerWith,
} from "./fixtures.js";
import { rotationScenario } from "./rotation-scenario.js";

let keys: Keys;
let idp: FakeIssuer;
let server: ValidateServer;
const logs = logLines();

beforeAll(async () => {
  keys = await createKeys();
  idp = await startIssuerWith([keys.rs, keys.ps, keys.es]);
  server = await startValidateServer(apiOptions(idp.issuer, { jwksUri: idp.jwksUri, sink: logs.sink }));
});
afterAll(async () => {
  await server.close();
  await idp.close();
});

function post(url: string, request: ContractRequest): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...request.headers },
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
}

describe("the local HTTP server, POST /validate", () => {
  for (const c of CONTRACT_CASES) {
    it(c.name, async () => {
      const res = await post(server.validateUrl, await c.request({ issuer: idp.issuer, keys }));
      expect(res.status).toBe(c.status);
      const body = await res.json();
      if (c.error) expect(body).toMatchObject({ valid: false, error: c.error, message: expect.any(String) });
      else
        expect(body).toMatchObject({ valid: true, claims: { sub: "alice" }, expiresIn: expect.any(Number) });
    });
  }

  it("answers a 1 MB pathological Authorization header at once, without holding the event loop", async () => {
    const started = performance.now();
    const res = await post(server.validateUrl, {
      headers: { authorization: `Bearer${pathologicalBearer()}` },
    });
    const ms = performance.now() - started;
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "token_malformed" });
    expect(ms).toBeLessThan(1_000);
  });

  it("answers with JSON that no cache may keep", async () => {
    const res = await post(server.validateUrl, {
      headers: { authorization: `Bearer ${await goodToken(keys.rs, idp.issuer)}` },
    });
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("turns each request into a payload 2.0 event with its own request id in the log", async () => {
    logs.lines.length = 0;
    await post(server.validateUrl, {});
    await post(server.validateUrl, {});
    const ids = logs.parsed().map((l) => l.requestId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toEqual(expect.any(String));
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("serves the validation URL as url + /validate on 127.0.0.1", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.validateUrl).toBe(`${server.url}/validate`);
  });
});

/**
 * Sends bytes exactly as written (fetch would normalise the request target and merge repeated headers)
 * and reads the answer until the server closes the connection (HTTP/1.0: no chunked answer to decode).
 */
function rawRequest(url: string, head: string, body = ""): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.end(
        `${head}\r\nhost: ${hostname}:${port}\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [statusLine = "", ...rest] = text.split("\r\n");
      resolve({
        status: Number(statusLine.split(" ")[1]),
        body: rest.join("\r\n").split("\r\n\r\n")[1] ?? "",
      });
    });
  });
}

describe("the local HTTP server, odd requests", () => {
  it("answers GET // through the handler (404, JSON), not with a 500 from parsing the URL", async () => {
    const res = await rawRequest(server.url, "GET // HTTP/1.0");
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ message: "Not Found" });
  });

  it("routes an absolute-form request target by its path", async () => {
    const res = await rawRequest(server.url, "GET http://validate.example/health HTTP/1.0");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true });
  });

  it("answers an absolute-form target new URL cannot parse through the handler", async () => {
    const res = await rawRequest(server.url, "GET http://[::1/health HTTP/1.0");
    expect(res.status).toBe(200);
  });

  it("joins a repeated Authorization header with commas as API Gateway does: two Bearer values are bad_request", async () => {
    const token = await goodToken(keys.rs, idp.issuer);
    const res = await rawRequest(
      server.url,
      `POST /validate HTTP/1.0\r\nauthorization: Bearer ${token}\r\nauthorization: Bearer ${token}`,
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ valid: false, error: "bad_request" });
  });

  it("answers a body over Lambda's 6 MB payload limit with 413 before the handler, as API Gateway does", async () => {
    const res = await post(server.validateUrl, { body: "x".repeat(6 * 1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ message: "Request Entity Too Large" });
  });

  it("passes a binary body base64-encoded (isBase64Encoded) and the handler reads the token from it", async () => {
    const token = await goodToken(keys.es, idp.issuer);
    const res = await fetch(server.validateUrl, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: Buffer.from(JSON.stringify({ token })),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ valid: true, claims: { sub: "alice" } });
  });
});

describe("the local HTTP server, GET /health", () => {
  it('answers 200 {"ok": true}', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe("the local HTTP server with the IdP down and no keys cached", () => {
  it("answers 503 jwks_unavailable", async () => {
    const down = await startIssuerWith([keys.rs]);
    down.setMode("down");
    const cold = await startValidateServer(apiOptions(down.issuer));
    try {
      const res = await post(cold.validateUrl, {
        body: JSON.stringify({ token: await goodToken(keys.rs, down.issuer) }),
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ valid: false, error: "jwks_unavailable" });
    } finally {
      await cold.close();
      await down.close();
    }
  });
});

describe("the local HTTP server across key rotation and an IdP outage", () => {
  it("re-fetches once after the cool-down for a rotated key and keeps verifying with cached keys while the IdP is down", async () => {
    await rotationScenario(async (options) => {
      const s = await startValidateServer({ ...options, logger: createLogger({}, { sink: () => {} }) });
      return {
        send: async (token) => {
          const res = await post(s.validateUrl, { headers: { authorization: `Bearer ${token}` } });
          const error = ((await res.json()) as { error?: string }).error;
          return { status: res.status, ...(error ? { error } : {}) };
        },
        close: () => s.close(),
      };
    });
  });
});
