import { ConfigError } from "./errors.js";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * A URL from configuration that the Lambdas will call or trust: https everywhere, plain http only on
 * loopback (the local stack and tests), since anything else could hand us an attacker's keys or answers.
 * Throws a ConfigError naming `field`; returns the value as given.
 */
export function checkHttpsUrl(field: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(field, `is not a URL: ${JSON.stringify(value)}`);
  }
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && LOOPBACK.has(parsed.hostname)))
    throw new ConfigError(
      field,
      `must be an https:// URL (http:// only on localhost), got ${JSON.stringify(value)}`,
    );
  return value;
}
