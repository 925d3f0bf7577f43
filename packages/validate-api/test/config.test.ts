import { describe, expect, it } from "vitest";
import { configFromEnv, logLevelFromEnv } from "../src/config.js";

const BASE = { ISSUER: "https://sso.example.com/realms/demo", AUDIENCE: "demo-client" };

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return { code: (error as { code?: unknown }).code, field: (error as { field?: unknown }).field };
  }
  return "no error";
}

describe("configFromEnv", () => {
  it("reads the contract's variables with their defaults", () => {
    expect(configFromEnv(BASE)).toEqual({
      issuer: BASE.ISSUER,
      audience: ["demo-client"],
      algorithms: ["RS256", "ES256", "PS256"],
      clockToleranceSeconds: 30,
      maxTokenBytes: 16384,
      maxTokenLifetimeSeconds: 86_400,
    });
  });

  it("splits AUDIENCE, ALLOWED_ALGS and REQUIRED_CLAIMS on commas and trims them", () => {
    const options = configFromEnv({
      ...BASE,
      AUDIENCE: "demo-client, account",
      ALLOWED_ALGS: "ES256, EdDSA",
      REQUIRED_CLAIMS: "sub,email",
    });
    expect(options).toMatchObject({
      audience: ["demo-client", "account"],
      algorithms: ["ES256", "EdDSA"],
      requiredClaims: ["sub", "email"],
    });
  });

  it("reads JWKS_URI, CLOCK_TOLERANCE_S, MAX_TOKEN_BYTES, MAX_TOKEN_LIFETIME_S and the JWKS cache timings", () => {
    const options = configFromEnv({
      ...BASE,
      JWKS_URI: "https://sso.example.com/realms/demo/protocol/openid-connect/certs",
      CLOCK_TOLERANCE_S: "5",
      MAX_TOKEN_BYTES: "8192",
      MAX_TOKEN_LIFETIME_S: "3600",
      JWKS_CACHE_TTL_S: "300",
      JWKS_COOLDOWN_S: "10",
      JWKS_TIMEOUT_MS: "1000",
    });
    expect(options).toMatchObject({
      jwksUri: "https://sso.example.com/realms/demo/protocol/openid-connect/certs",
      clockToleranceSeconds: 5,
      maxTokenBytes: 8192,
      maxTokenLifetimeSeconds: 3600,
      jwks: { ttlMs: 300_000, cooldownMs: 10_000, timeoutMs: 1000 },
    });
  });

  it("treats empty variables as unset", () => {
    expect(configFromEnv({ ...BASE, JWKS_URI: "", ALLOWED_ALGS: " " })).not.toHaveProperty("jwksUri");
  });

  it("accepts plain http only for a loopback issuer", () => {
    expect(configFromEnv({ ...BASE, ISSUER: "http://localhost:8080/realms/demo" }).issuer).toBe(
      "http://localhost:8080/realms/demo",
    );
    expect(fieldOf(() => configFromEnv({ ...BASE, ISSUER: "http://sso.example.com/realms/demo" }))).toEqual({
      code: "config_invalid",
      field: "ISSUER",
    });
  });

  const bad: [string, Record<string, string | undefined>][] = [
    ["ISSUER", { ...BASE, ISSUER: undefined }],
    ["ISSUER", { ...BASE, ISSUER: "not a url" }],
    ["AUDIENCE", { ...BASE, AUDIENCE: undefined }],
    ["AUDIENCE", { ...BASE, AUDIENCE: "a,,b" }],
    ["JWKS_URI", { ...BASE, JWKS_URI: "ftp://sso.example.com/certs" }],
    ["ALLOWED_ALGS", { ...BASE, ALLOWED_ALGS: "none" }],
    ["ALLOWED_ALGS", { ...BASE, ALLOWED_ALGS: "RS256,HS256" }],
    ["CLOCK_TOLERANCE_S", { ...BASE, CLOCK_TOLERANCE_S: "-1" }],
    ["CLOCK_TOLERANCE_S", { ...BASE, CLOCK_TOLERANCE_S: "30s" }],
    ["MAX_TOKEN_BYTES", { ...BASE, MAX_TOKEN_BYTES: "99999999" }],
    ["JWKS_TIMEOUT_MS", { ...BASE, JWKS_TIMEOUT_MS: "60000" }],
    ["MAX_TOKEN_LIFETIME_S", { ...BASE, MAX_TOKEN_LIFETIME_S: "0" }],
    ["MAX_TOKEN_LIFETIME_S", { ...BASE, MAX_TOKEN_LIFETIME_S: "1h" }],
    ["MAX_TOKEN_LIFETIME_S", { ...BASE, MAX_TOKEN_LIFETIME_S: "99999999" }],
  ];
  for (const [variable, env] of bad) {
    it(`refuses ${variable}=${JSON.stringify(env[variable])} with a ConfigError naming ${variable}`, () => {
      expect(fieldOf(() => configFromEnv(env))).toEqual({ code: "config_invalid", field: variable });
    });
  }
});

describe("logLevelFromEnv", () => {
  it("defaults to info when LOG_LEVEL is unset or empty", () => {
    expect(logLevelFromEnv({})).toBe("info");
    expect(logLevelFromEnv({ LOG_LEVEL: " " })).toBe("info");
  });

  it("reads each level, in any case", () => {
    expect(logLevelFromEnv({ LOG_LEVEL: "debug" })).toBe("debug");
    expect(logLevelFromEnv({ LOG_LEVEL: "WARN" })).toBe("warn");
    expect(logLevelFromEnv({ LOG_LEVEL: "Error" })).toBe("error");
  });

  it("refuses an unknown level, naming LOG_LEVEL", () => {
    expect(fieldOf(() => logLevelFromEnv({ LOG_LEVEL: "verbose" }))).toEqual({
      code: "config_invalid",
      field: "LOG_LEVEL",
    });
  });
});
