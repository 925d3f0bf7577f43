import { ConfigError, checkHttpsUrl, isLogLevel, LOG_LEVELS, type LogLevel } from "@static-sso/shared";
import { DEFAULT_ALGORITHMS, isSupportedAlgorithm } from "./algorithms.js";
import type { JwksTiming } from "./jwks.js";
import {
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  DEFAULT_MAX_TOKEN_BYTES,
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  type ValidatorOptions,
} from "./validator.js";

export type Env = Record<string, string | undefined>;

/**
 * Reads the validator's options from the Lambda's environment variables. Throws a ConfigError naming the
 * variable and what is wrong with it; called once, at cold start.
 */
export function configFromEnv(env: Env): ValidatorOptions {
  const issuer = url(env, "ISSUER", true) as string;
  const audience = list(env, "AUDIENCE");
  if (!audience)
    throw new ConfigError("AUDIENCE", "is missing (one audience, or several separated by commas)");
  const jwksUri = url(env, "JWKS_URI", false);
  const algorithms = list(env, "ALLOWED_ALGS") ?? [...DEFAULT_ALGORITHMS];
  for (const alg of algorithms) {
    if (!isSupportedAlgorithm(alg)) {
      throw new ConfigError(
        "ALLOWED_ALGS",
        `contains ${JSON.stringify(alg)}: allowed are asymmetric signature algorithms such as RS256, PS256, ES256 (never none or HS*)`,
      );
    }
  }
  const options: ValidatorOptions = {
    issuer,
    audience,
    algorithms,
    clockToleranceSeconds: int(env, "CLOCK_TOLERANCE_S", 0, 600) ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
    maxTokenBytes: int(env, "MAX_TOKEN_BYTES", 1024, 1024 * 1024) ?? DEFAULT_MAX_TOKEN_BYTES,
    // A minute to 30 days: shorter breaks ordinary tokens, longer is no bound at all.
    maxTokenLifetimeSeconds:
      int(env, "MAX_TOKEN_LIFETIME_S", 60, 30 * 86_400) ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  };
  if (jwksUri) options.jwksUri = jwksUri;
  const required = list(env, "REQUIRED_CLAIMS");
  if (required) options.requiredClaims = required;
  const jwks: Partial<JwksTiming> = {};
  const ttl = int(env, "JWKS_CACHE_TTL_S", 1, 86_400);
  if (ttl !== undefined) jwks.ttlMs = ttl * 1000;
  const cooldown = int(env, "JWKS_COOLDOWN_S", 0, 3_600);
  if (cooldown !== undefined) jwks.cooldownMs = cooldown * 1000;
  const timeout = int(env, "JWKS_TIMEOUT_MS", 100, 10_000);
  if (timeout !== undefined) jwks.timeoutMs = timeout;
  if (Object.keys(jwks).length > 0) options.jwks = jwks;
  return options;
}

/**
 * The least level written (`LOG_LEVEL`, default info, any case): debug adds a line for every plain success, which
 * CloudWatch bills as ingestion. An unknown value fails the cold start like any other bad variable.
 */
export function logLevelFromEnv(env: Env): LogLevel {
  const raw = value(env, "LOG_LEVEL");
  if (raw === undefined) return "info";
  const level = raw.toLowerCase(); // Powertools and most Lambda tooling write INFO, DEBUG, ...
  if (!isLogLevel(level))
    throw new ConfigError("LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(raw)}`);
  return level;
}

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined; // Terraform and CI set unused variables to "": treat as unset
}

function list(env: Env, name: string): string[] | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  const items = raw.split(",").map((s) => s.trim());
  if (items.some((s) => s === ""))
    throw new ConfigError(name, `has an empty entry in ${JSON.stringify(raw)}`);
  return items;
}

function url(env: Env, name: string, required: boolean): string | undefined {
  const raw = value(env, name);
  if (raw === undefined) {
    if (required) throw new ConfigError(name, "is missing (an https:// URL)");
    return undefined;
  }
  return checkHttpsUrl(name, raw);
}

function int(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}
