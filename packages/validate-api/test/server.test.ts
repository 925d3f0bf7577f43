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
