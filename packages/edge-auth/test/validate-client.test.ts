import { afterEach, describe, expect, it } from "vitest";
import { validateToken } from "../src/validate-client.js";
import { type StubServer, startStubServer } from "./fixtures/stub-server.js";

let server: StubServer | undefined;
afterEach(() => server?.close());

async function api(status: number, body: string) {
  server = await startStubServer((_req, _body, res) => {
    res.writeHead(status, { "content-type": "application/json" }).end(body);
  });
  return `${server.url}/validate`;
}

describe("validateToken", () => {
  it("sends the token in a JSON body, no Authorization header, and takes a 200 valid answer", async () => {
    const url = await api(200, '{"valid":true,"claims":{"sub":"a"},"expiresIn":60}');
    expect(await validateToken("tok", { validateUrl: url, timeoutMs: 1000 })).toEqual({
      kind: "valid",
      claims: { sub: "a" },
      expiresIn: 60,
    });
    expect(server?.requests[0]).toMatchObject({
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"token":"tok"}',
    });
    expect(server?.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("takes API Gateway's 403 (a refused signature) as unavailable, with its own reason", async () => {
    const url = await api(403, '{"message":"Forbidden"}');
    expect(await validateToken("tok", { validateUrl: url, timeoutMs: 1000 })).toEqual({
      kind: "unavailable",
      reason: "validate_forbidden",
    });
  });

  it("takes a 401 with a contract error code as invalid", async () => {
    const url = await api(401, '{"valid":false,"error":"signature_invalid","message":"x"}');
    expect(await validateToken("tok", { validateUrl: url, timeoutMs: 1000 })).toEqual({
      kind: "invalid",
      code: "signature_invalid",
    });
  });

  it.each([
    [503, '{"valid":false,"error":"jwks_unavailable"}'],
    [401, '{"valid":false,"error":"jwks_unavailable"}'],
    [400, '{"valid":false,"error":"token_missing"}'],
    [200, '{"valid":false}'],
    [200, "<html>garbage</html>"],
    [401, '{"valid":false,"error":"something_else"}'],
  ])("treats %i %s as unavailable, never as valid", async (status, body) => {
    const url = await api(status, body);
    expect((await validateToken("tok", { validateUrl: url, timeoutMs: 1000 })).kind).toBe("unavailable");
  });

  it("gives up at its deadline when the API does not answer", async () => {
    server = await startStubServer(() => {}); // holds every request open
    const outcome = await validateToken("tok", { validateUrl: `${server.url}/validate`, timeoutMs: 100 });
    expect(outcome).toEqual({ kind: "unavailable", reason: "validate_timeout" });
  });
});
