import { createSign, generateKeyPairSync } from "node:crypto";
import { createLogger, type Logger, VALIDATION_ERROR_CODES } from "@static-sso/shared";
import type { FakeIssuer } from "@static-sso/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler, type ValidateHandler } from "../src/handler.js";
import { apiOptions } from "./api-options.js";
import { CONTRACT_CASES } from "./contract-cases.js";
import {
  AUDIENCE,
  apiEvent,
  createKeys,
  goodToken,
  type Keys,
  logLines,
  NOW_S,
  startIssuerWith,
} from "./fixtures.js";
import { rotationScenario } from "./rotation-scenario.js";

let keys: Keys;
let idp: FakeIssuer;
let handler: ValidateHandler;
const logs = logLines();

beforeAll(async () => {
  keys = await createKeys();
  idp = await startIssuerWith([keys.rs, keys.ps, keys.es]);
  handler = createHandler(apiOptions(idp.issuer, { jwksUri: idp.jwksUri, sink: logs.sink }));
});
afterAll(() => idp.close());

const body = (result: { body?: string }) => JSON.parse(result.body ?? "null");

describe("the Lambda handler, POST /validate", () => {
  for (const c of CONTRACT_CASES) {
    it(c.name, async () => {
      const request = await c.request({ issuer: idp.issuer, keys });
      const result = await handler(apiEvent(request));
      expect(result.statusCode).toBe(c.status);
      if (c.error)
        expect(body(result)).toMatchObject({ valid: false, error: c.error, message: expect.any(String) });
      else
        expect(body(result)).toMatchObject({
          valid: true,
          claims: { sub: "alice" },
          expiresIn: expect.any(Number),
        });
    });
  }

  it("answers a valid token with its claims and the seconds until exp", async () => {
    const token = await goodToken(keys.rs, idp.issuer, {
      exp: NOW_S + 120,
      realm_access: { roles: ["staff"] },
    });
    const result = await handler(apiEvent({ headers: { authorization: `Bearer ${token}` } }));
    expect(body(result)).toEqual({
      valid: true,
      claims: expect.objectContaining({ iss: idp.issuer, aud: AUDIENCE, realm_access: { roles: ["staff"] } }),
      expiresIn: 120,
    });
    expect(result.headers).toMatchObject({ "content-type": "application/json", "cache-control": "no-store" });
  });

  it("reads a base64-encoded body (isBase64Encoded)", async () => {
    const token = await goodToken(keys.es, idp.issuer);
    const encoded = Buffer.from(JSON.stringify({ token })).toString("base64");
    const result = await handler(apiEvent({ body: encoded, isBase64Encoded: true }));
    expect(result.statusCode).toBe(200);
  });

  it("accepts the Bearer scheme in any letter case", async () => {
    const token = await goodToken(keys.rs, idp.issuer);
    const result = await handler(apiEvent({ headers: { authorization: `bearer ${token}` } }));
    expect(result.statusCode).toBe(200);
  });

  it("answers another Authorization scheme with bad_request", async () => {
    const result = await handler(apiEvent({ headers: { authorization: "Basic YWxpY2U6cGFzc3dvcmQ=" } }));
    expect(result.statusCode).toBe(400);
    expect(body(result).error).toBe("bad_request");
  });

  it("answers two different tokens (header and body) with bad_request", async () => {
    const a = await goodToken(keys.rs, idp.issuer);
    const b = await goodToken(keys.es, idp.issuer);
    const result = await handler(
      apiEvent({ headers: { authorization: `Bearer ${a}` }, body: JSON.stringify({ token: b }) }),
    );
    expect(body(result).error).toBe("bad_request");
  });

  it("answers a JSON body that is not an object with bad_request", async () => {
    const result = await handler(apiEvent({ body: '["a.b.c"]' }));
    expect(result.statusCode).toBe(400);
    expect(body(result).error).toBe("bad_request");
  });

  it("routes a named stage's path (/prod/validate) like /validate", async () => {
    const token = await goodToken(keys.rs, idp.issuer);
    const event = apiEvent({ path: "/prod/validate", headers: { authorization: `Bearer ${token}` } });
    event.requestContext.stage = "prod";
    expect((await handler(event)).statusCode).toBe(200);
  });

  it("answers GET /validate with 405, an Allow header and API Gateway's body, not a contract error code", async () => {
    const result = await handler(apiEvent({ method: "GET" }));
    expect(result.statusCode).toBe(405);
    expect(result.headers).toMatchObject({ allow: "POST" });
    expect(body(result)).toEqual({ message: "Method Not Allowed" });
  });

  it("answers an unknown path with 404 and API Gateway's body, not a contract error code", async () => {
    const result = await handler(apiEvent({ method: "GET", path: "/nope" }));
    expect(result.statusCode).toBe(404);
    expect(body(result)).toEqual({ message: "Not Found" });
  });

  it("answers POST /health with 405 and Allow: GET", async () => {
    const result = await handler(apiEvent({ method: "POST", path: "/health" }));
    expect(result.statusCode).toBe(405);
    expect(result.headers).toMatchObject({ allow: "GET" });
    expect(body(result)).toEqual({ message: "Method Not Allowed" });
  });
});

describe("the Lambda handler with hostile or broken events", () => {
  const validateEvent = (change: Record<string, unknown>) => ({ ...apiEvent(), ...change });
  const hostile: [string, unknown][] = [
    ["null", null],
    ["undefined", undefined],
    ["a number", 42],
    ["a string", "POST /validate"],
    ["an empty object", {}],
    ["requestContext null", validateEvent({ requestContext: null })],
    ["requestContext.http a string", validateEvent({ requestContext: { http: "POST" } })],
    ["a numeric rawPath", validateEvent({ rawPath: 42 })],
    ["an object as rawPath", validateEvent({ rawPath: { toString: null } })],
    ["a numeric method", validateEvent({ requestContext: { http: { method: 7, path: "/validate" } } })],
    ["a numeric requestId", validateEvent({ requestContext: { requestId: 7, http: { method: "POST" } } })],
    ["headers null", validateEvent({ headers: null })],
    ["headers a string", validateEvent({ headers: "authorization: Bearer x" })],
    ["a numeric authorization header", validateEvent({ headers: { authorization: 42 } })],
    ["an array as authorization header", validateEvent({ headers: { authorization: ["Bearer a.b.c"] } })],
    ["an object as body", validateEvent({ body: { token: "a.b.c" } })],
    ["a numeric body", validateEvent({ body: 42 })],
    ["isBase64Encoded with a body that is not base64", validateEvent({ body: "%%%", isBase64Encoded: true })],
    [
      "a stage that is not a string",
      validateEvent({ requestContext: { stage: 1, http: { method: "POST" } } }),
    ],
  ];
  for (const [name, event] of hostile) {
    it(`answers an event with ${name} with JSON and a 4xx/5xx status, never throwing`, async () => {
      const result = await handler(event as never);
      expect([400, 401, 404, 405, 500]).toContain(result.statusCode);
      expect(() => JSON.parse(result.body ?? "")).not.toThrow();
    });
  }

  it("routes a null event as an unknown path: 404", async () => {
    const result = await handler(null as never);
    expect(result.statusCode).toBe(404);
    expect(body(result)).toEqual({ message: "Not Found" });
  });

  it("routes a numeric rawPath by requestContext.http.path", async () => {
    const result = await handler(validateEvent({ rawPath: 42 }) as never);
    expect(result.statusCode).toBe(400);
    expect(body(result)).toMatchObject({ valid: false, error: "token_missing" });
  });

  it("answers a numeric authorization header with 400 bad_request", async () => {
    const result = await handler(validateEvent({ headers: { authorization: 42 } }) as never);
    expect(result.statusCode).toBe(400);
    expect(body(result)).toMatchObject({ valid: false, error: "bad_request" });
  });

  it("logs a request id that is not a string as absent, not as the event's value", async () => {
    logs.lines.length = 0;
    await handler(
      validateEvent({ requestContext: { requestId: { a: 1 }, http: { method: "GET" } } }) as never,
    );
    expect(logs.parsed()).toEqual([expect.not.objectContaining({ requestId: expect.anything() })]);
  });
});

describe("the Lambda handler with an unusable published key", () => {
  it("answers 401 key_not_found, not 500, for a token whose key is under 2048 bits", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const weak = await startIssuerWith([]);
    weak.setKeys([{ ...publicKey.export({ format: "jwk" }), kid: "weak", alg: "RS256", use: "sig" }]);
    const h = createHandler(apiOptions(weak.issuer, { jwksUri: weak.jwksUri }));
    try {
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
      const input = `${b64({ alg: "RS256", kid: "weak" })}.${b64({ iss: weak.issuer, aud: AUDIENCE, sub: "alice", iat: NOW_S, exp: NOW_S + 60 })}`;
      const token = `${input}.${createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url")}`;
      const result = await h(apiEvent({ headers: { authorization: `Bearer ${token}` } }));
      expect(result.statusCode).toBe(401);
      expect(body(result)).toMatchObject({ valid: false, error: "key_not_found" });
    } finally {
      await weak.close();
    }
  });
});

describe("the Lambda handler, GET /health", () => {
  it('answers 200 {"ok": true}', async () => {
    const result = await handler(apiEvent({ method: "GET", path: "/health" }));
    expect(result.statusCode).toBe(200);
    expect(body(result)).toEqual({ ok: true });
  });
});

describe("the Lambda handler's logs", () => {
  it("writes one JSON line per request with the schema's keys (fn, requestId, outcome, reason, status, durationMs), never the token", async () => {
    const token = await goodToken(keys.rs, idp.issuer, { aud: "other-client" });
    const event = apiEvent({ headers: { authorization: `Bearer ${token}` } });
    logs.lines.length = 0;
    await handler(event);
    expect(logs.parsed()).toEqual([
      expect.objectContaining({
        timestamp: expect.any(String),
        level: "info",
        message: "request",
        fn: "validate-api",
        requestId: event.requestContext.requestId,
        outcome: "invalid",
        reason: "audience_invalid",
        status: 401,
        durationMs: expect.any(Number),
      }),
    ]);
    expect(logs.parsed()[0]).not.toHaveProperty("service");
    expect(logs.parsed()[0]).not.toHaveProperty("error");
    const signature = token.split(".")[2] as string;
    expect(logs.lines.join("\n")).not.toContain(signature);
    expect(logs.lines.join("\n")).not.toContain(token.split(".")[1]);
  });

  /** A handler on the test IdP whose logger writes at `level`, and what it writes. */
  function handlerAt(level: "debug" | "info") {
    const lines = logLines();
    return {
      lines,
      h: createHandler(apiOptions(idp.issuer, { jwksUri: idp.jwksUri, sink: lines.sink, level })),
    };
  }

  it("logs a valid token and a health check at debug, so nothing at the default level (info)", async () => {
    const token = await goodToken(keys.rs, idp.issuer);
    const quiet = handlerAt("info");
    expect((await quiet.h(apiEvent({ headers: { authorization: `Bearer ${token}` } }))).statusCode).toBe(200);
    expect((await quiet.h(apiEvent({ method: "GET", path: "/health" }))).statusCode).toBe(200);
    expect(quiet.lines.parsed()).toEqual([]);

    const verbose = handlerAt("debug");
    await verbose.h(apiEvent({ headers: { authorization: `Bearer ${token}` } }));
    await verbose.h(apiEvent({ method: "GET", path: "/health" }));
    expect(verbose.lines.parsed()).toEqual([
      expect.objectContaining({
        level: "debug",
        fn: "validate-api",
        outcome: "valid",
        reason: "token_valid",
      }),
      expect.objectContaining({ level: "debug", fn: "validate-api", outcome: "health", reason: "health" }),
    ]);
  });

  it("hands every line to a logger that cannot say which levels it writes", async () => {
    const token = await goodToken(keys.rs, idp.issuer);
    const seen: string[] = [];
    const record = (level: string) => (_message: string, fields?: Record<string, unknown>) => {
      if (fields?.outcome !== undefined) seen.push(`${level} ${String(fields.outcome)}`);
    };
    const logger: Logger = {
      debug: record("debug"),
      info: record("info"),
      warn: record("warn"),
      error: record("error"),
      child: () => logger,
    };
    const h = createHandler({ ...apiOptions(idp.issuer, { jwksUri: idp.jwksUri }), logger });
    expect((await h(apiEvent({ headers: { authorization: `Bearer ${token}` } }))).statusCode).toBe(200);
    expect(seen).toEqual(["debug valid"]);
  });

  it("logs every refusal at info: no token, a bad token, an unknown route, a wrong method", async () => {
    const { h, lines } = handlerAt("info");
    await h(apiEvent({}));
    await h(apiEvent({ headers: { authorization: "Bearer x.y.z" } }));
    await h(apiEvent({ method: "GET", path: "/nowhere" }));
    await h(apiEvent({ method: "GET", path: "/validate" }));
    expect(lines.parsed().map((l) => [l.level, l.status, l.outcome, l.reason])).toEqual([
      ["info", 400, "rejected", "token_missing"],
      ["info", 401, "invalid", "token_malformed"],
      ["info", 404, "not_found", "route_not_found"],
      ["info", 405, "method_not_allowed", "method_not_allowed"],
    ]);
  });

  it("logs a 503 at error with the reason jwks_unavailable and the function's name", async () => {
    const lines = logLines();
    await askWithIdpDown(lines.sink);
    expect(lines.parsed().filter((l) => l.message === "request")).toEqual([
      expect.objectContaining({
        level: "error",
        fn: "validate-api",
        status: 503,
        outcome: "unavailable",
        reason: "jwks_unavailable",
      }),
    ]);
  });

  it("names the function on every line, the key fetch's too, whatever logger it is given", async () => {
    const lines = logLines();
    await askWithIdpDown(lines.sink);
    const parsed = lines.parsed();
    expect(parsed.length).toBeGreaterThan(1);
    for (const line of parsed) expect(line).toMatchObject({ fn: "validate-api" });
  });
});

/** POST /validate with the token to a cold handler whose IdP answers 503 to everything. */
async function askWithIdpDown(sink?: (line: string) => void) {
  const down = await startIssuerWith([keys.rs]);
  down.setMode("down");
  const cold = createHandler(apiOptions(down.issuer, sink ? { sink } : {}));
  try {
    const event = apiEvent({ headers: { authorization: `Bearer ${await goodToken(keys.rs, down.issuer)}` } });
    return { event, result: await cold(event) };
  } finally {
    await down.close();
  }
}

describe("the Lambda handler with the IdP down and no keys cached", () => {
  it("answers 503 jwks_unavailable", async () => {
    const { result } = await askWithIdpDown();
    expect(result.statusCode).toBe(503);
    expect(body(result)).toMatchObject({ valid: false, error: "jwks_unavailable" });
  });

  it("logs the failed fetch with the id of the request that started it", async () => {
    const lines = logLines();
    const { event } = await askWithIdpDown(lines.sink);
    expect(lines.parsed()).toContainEqual(
      expect.objectContaining({ message: "jwks fetch failed", requestId: event.requestContext.requestId }),
    );
  });
});

describe("the Lambda handler across key rotation and an IdP outage", () => {
  it("re-fetches once after the cool-down for a rotated key and keeps verifying with cached keys while the IdP is down", async () => {
    await rotationScenario(async (options) => {
      const h = createHandler({ ...options, logger: createLogger({}, { sink: () => {} }) });
      return {
        send: async (token) => {
          const result = await h(apiEvent({ headers: { authorization: `Bearer ${token}` } }));
          const error = body(result).error;
          return { status: result.statusCode ?? 0, ...(error ? { error } : {}) };
        },
        close: async () => {},
      };
    });
  });
});

describe("the contract's error codes", () => {
  it("are each answered by the handler in one of the cases (jwks_unavailable with the IdP down)", async () => {
    const reached = new Set<unknown>();
    for (const c of CONTRACT_CASES) {
      reached.add(body(await handler(apiEvent(await c.request({ issuer: idp.issuer, keys })))).error);
    }
    reached.add(body((await askWithIdpDown()).result).error);
    expect(VALIDATION_ERROR_CODES.filter((code) => !reached.has(code))).toEqual([]);
  });
});
