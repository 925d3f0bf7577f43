import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestKey, type FakeIssuer, signToken, type TestKey } from "@static-sso/testing";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { unzipSync } from "fflate";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { AUDIENCE, apiEvent, startIssuerWith } from "./fixtures.js";

// The shipped artefact: the package's build (into a folder of the test's own, so dist/ is never rewritten
// under other tests; the same bytes, see test/build.test.ts), then index.js taken out of validate-api.zip,
// loaded the way the Lambda runtime does (CommonJS require, configuration from environment variables).
const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const unpacked = mkdtempSync(join(tmpdir(), "validate-api-zip-"));
const zipPath = join(unpacked, "build", "validate-api.zip");
const bundle = join(unpacked, "index.js");
const require = createRequire(import.meta.url);

type Handler = (event: unknown) => Promise<APIGatewayProxyStructuredResultV2>;

const ENV_NAMES = [
  "ISSUER",
  "AUDIENCE",
  "JWKS_URI",
  "ALLOWED_ALGS",
  "CLOCK_TOLERANCE_S",
  "MAX_TOKEN_BYTES",
  "MAX_TOKEN_LIFETIME_S",
  "LOG_LEVEL",
];
const savedEnv = Object.fromEntries(ENV_NAMES.map((n) => [n, process.env[n]]));

/** Loads a fresh copy of the bundle (a cold start) with exactly these variables set. */
function coldStart(env: Record<string, string>): { handler: Handler } {
  for (const name of ENV_NAMES) delete process.env[name];
  Object.assign(process.env, env);
  delete require.cache[bundle];
  return require(bundle) as { handler: Handler };
}

let key: TestKey;
let idp: FakeIssuer;

beforeAll(async () => {
  execFileSync(
    process.execPath,
    [
      "../../scripts/build-lambda.mjs",
      "--name",
      "validate-api",
      "--entry",
      "src/lambda.ts",
      "--outdir",
      join(unpacked, "build"),
    ],
    {
      cwd: pkgDir,
      stdio: "pipe",
    },
  );
  const files = unzipSync(readFileSync(zipPath));
  writeFileSync(join(unpacked, "package.json"), '{ "type": "commonjs" }\n');
  writeFileSync(bundle, files["index.js"] ?? new Uint8Array());
  key = await createTestKey("ES256");
  idp = await startIssuerWith([key]);
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  delete require.cache[bundle];
});
afterAll(async () => {
  await idp.close();
  rmSync(unpacked, { recursive: true, force: true });
});

describe("the bundled Lambda (dist/index.js)", () => {
  it("is the only file in the zip, at its root", () => {
    expect(Object.keys(unzipSync(readFileSync(zipPath)))).toEqual(["index.js"]);
  });

  it("exports a handler that verifies a token with keys found through the issuer's discovery document", async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const { handler } = coldStart({ ISSUER: idp.issuer, AUDIENCE: `other,${AUDIENCE}` });
    const token = await signToken(key, { iss: idp.issuer, aud: AUDIENCE, sub: "alice" });
    const result = await handler(apiEvent({ headers: { authorization: `Bearer ${token}` } }));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? "")).toMatchObject({ valid: true, claims: { sub: "alice" } });
  });

  it("answers an invalid token with the contract's 401 and error code", async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const { handler } = coldStart({ ISSUER: idp.issuer, AUDIENCE, JWKS_URI: idp.jwksUri });
    const token = await signToken(key, { iss: idp.issuer, aud: "someone-else", sub: "alice" });
    const result = await handler(apiEvent({ body: JSON.stringify({ token }) }));
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body ?? "")).toMatchObject({ valid: false, error: "audience_invalid" });
  });

  /** The lines the bundle writes to stdout while `run` runs, parsed. */
  async function stdoutOf(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    await run();
    return lines.map((l) => JSON.parse(l));
  }

  it("writes its request log as JSON lines on stdout: a refusal at the default level, with the schema's keys", async () => {
    const { handler } = coldStart({ ISSUER: idp.issuer, AUDIENCE, JWKS_URI: idp.jwksUri });
    const event = apiEvent({ body: "{}" });
    expect(await stdoutOf(() => handler(event))).toEqual([
      expect.objectContaining({
        level: "info",
        message: "request",
        fn: "validate-api",
        requestId: event.requestContext.requestId,
        outcome: "rejected",
        reason: "token_missing",
        status: 400,
        durationMs: expect.any(Number),
      }),
    ]);
  });

  it("writes nothing for a health check at the default level, and its line with LOG_LEVEL=debug", async () => {
    const event = apiEvent({ method: "GET", path: "/health" });
    const quiet = coldStart({ ISSUER: idp.issuer, AUDIENCE });
    expect(await stdoutOf(() => quiet.handler(event))).toEqual([]);
    vi.restoreAllMocks();
    const verbose = coldStart({ ISSUER: idp.issuer, AUDIENCE, LOG_LEVEL: "debug" });
    expect(await stdoutOf(() => verbose.handler(event))).toEqual([
      expect.objectContaining({
        level: "debug",
        fn: "validate-api",
        requestId: event.requestContext.requestId,
        outcome: "health",
        status: 200,
      }),
    ]);
  });

  it("fails at cold start when LOG_LEVEL is not a level, naming the variable", () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    expect(() => coldStart({ ISSUER: idp.issuer, AUDIENCE, LOG_LEVEL: "verbose" })).toThrow(
      expect.objectContaining({ code: "config_invalid", field: "LOG_LEVEL" }),
    );
  });

  it("fails at cold start when ISSUER is missing, naming the variable in the error and the log", () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    let thrown: unknown;
    try {
      coldStart({ AUDIENCE });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: "config_invalid", field: "ISSUER" });
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ level: "error", variable: "ISSUER" });
  });

  it("fails at cold start when ALLOWED_ALGS lets in HS256", () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    expect(() => coldStart({ ISSUER: idp.issuer, AUDIENCE, ALLOWED_ALGS: "RS256,HS256" })).toThrow(
      expect.objectContaining({ code: "config_invalid", field: "ALLOWED_ALGS" }),
    );
  });
});

describe("the bundled Lambda's verification settings", () => {
  const ask = async (handler: Handler, token: string) => {
    const result = await handler(apiEvent({ headers: { authorization: `Bearer ${token}` } }));
    return { status: result.statusCode, error: JSON.parse(result.body ?? "{}").error as string | undefined };
  };

  it("refuses an algorithm left out of ALLOWED_ALGS that the default list accepts", async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const token = await signToken(key, { iss: idp.issuer, aud: AUDIENCE, sub: "alice" }); // ES256
    const env = { ISSUER: idp.issuer, AUDIENCE, JWKS_URI: idp.jwksUri };
    expect(await ask(coldStart(env).handler, token)).toEqual({ status: 200, error: undefined });
    expect(await ask(coldStart({ ...env, ALLOWED_ALGS: "RS256,PS256" }).handler, token)).toEqual({
      status: 401,
      error: "algorithm_not_allowed",
    });
  });

  it("accepts a token expired 10 s ago with the default CLOCK_TOLERANCE_S and refuses it with 0", async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const now = Math.floor(Date.now() / 1000);
    const token = await signToken(
      key,
      { iss: idp.issuer, aud: AUDIENCE, sub: "alice", iat: now - 100, exp: now - 10 },
      { now },
    );
    const env = { ISSUER: idp.issuer, AUDIENCE, JWKS_URI: idp.jwksUri };
    expect(await ask(coldStart(env).handler, token)).toEqual({ status: 200, error: undefined });
    expect(await ask(coldStart({ ...env, CLOCK_TOLERANCE_S: "0" }).handler, token)).toEqual({
      status: 401,
      error: "token_expired",
    });
  });

  it("refuses a token living longer than MAX_TOKEN_LIFETIME_S (default a day) with claim_invalid", async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const now = Math.floor(Date.now() / 1000);
    const token = await signToken(
      key,
      { iss: idp.issuer, aud: AUDIENCE, sub: "alice" },
      {
        now,
        expiresInSeconds: 7200,
      },
    );
    const env = { ISSUER: idp.issuer, AUDIENCE, JWKS_URI: idp.jwksUri };
    expect(await ask(coldStart(env).handler, token)).toEqual({ status: 200, error: undefined });
    expect(await ask(coldStart({ ...env, MAX_TOKEN_LIFETIME_S: "3600" }).handler, token)).toEqual({
      status: 401,
      error: "claim_invalid",
    });
    const aYear = await signToken(
      key,
      { iss: idp.issuer, aud: AUDIENCE, sub: "alice" },
      {
        now,
        expiresInSeconds: 365 * 86_400,
      },
    );
    expect(await ask(coldStart(env).handler, aYear)).toEqual({ status: 401, error: "claim_invalid" });
  });
});

// Keep the bundle honest about its other key types too.
describe("the bundled Lambda with an RSA key", () => {
  it("verifies RS256 tokens", async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const rsa = await createTestKey("RS256");
    const rsaIdp = await startIssuerWith([rsa]);
    try {
      const { handler } = coldStart({ ISSUER: rsaIdp.issuer, AUDIENCE, JWKS_URI: rsaIdp.jwksUri });
      const token = await signToken(rsa, { iss: rsaIdp.issuer, aud: AUDIENCE, sub: "alice" });
      const result = await handler(apiEvent({ headers: { authorization: `Bearer ${token}` } }));
      expect(result.statusCode).toBe(200);
    } finally {
      await rsaIdp.close();
    }
  });
});
