import { ConfigError } from "./errors.js";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Whether a URL the Lambdas will call or trust is acceptable: https everywhere, plain http only on
 * loopback (the local stack and tests), since anything else could hand us an attacker's keys or answers.
 */
export function isHttpsUrl(value: unknown): value is string {
  if (typeof value !== "string" || !URL.canParse(value)) return false;
  const parsed = new URL(value);
  return parsed.protocol === "https:" || (parsed.protocol === "http:" && LOOPBACK.has(parsed.hostname));
}

/** isHttpsUrl for configuration: throws a ConfigError naming `field`; returns the value as given. */
export function checkHttpsUrl(field: string, value: string): string {
  if (!URL.canParse(value)) throw new ConfigError(field, `is not a URL: ${JSON.stringify(value)}`);
  if (!isHttpsUrl(value))
    throw new ConfigError(
      field,
      `must be an https:// URL (http:// only on localhost), got ${JSON.stringify(value)}`,
    );
  return value;
}
