import { createLogger, type LogLevel } from "@static-sso/shared";
import { JwksCache } from "../src/jwks.js";
import type { ValidatorOptions } from "../src/validator.js";
import { AUDIENCE, NOW_MS } from "./fixtures.js";

/**
 * What the Lambda handler and the HTTP server are given in these tests: the test audience, a key cache
 * of their own, the fixed clock, and log lines to `sink` (dropped when absent). Without `jwksUri` the
 * keys' URL is taken from the issuer's discovery document. Lines at every level unless `level` says
 * otherwise, so the tests see the lines a plain success writes at debug.
 */
export function apiOptions(
  issuer: string,
  {
    jwksUri,
    sink = () => {},
    level = "debug",
  }: { jwksUri?: string; sink?: (line: string) => void; level?: LogLevel } = {},
): ValidatorOptions {
  return {
    issuer,
    audience: AUDIENCE,
    ...(jwksUri !== undefined ? { jwksUri } : {}),
    jwksCache: new JwksCache(),
    clock: () => NOW_MS,
    logger: createLogger({}, { sink, level }),
  };
}
