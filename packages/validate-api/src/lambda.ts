// The Lambda entry (esbuild bundles this file into dist/index.js). Configuration is read once, at cold
// start. Bad configuration is logged as one JSON line naming the variable, then thrown: Lambda reports an
// init error (Runtime.InitError) and API Gateway answers 500, so a misconfigured function never answers
// "valid" and the problem is visible in the function's logs and metrics, not hidden in 500 bodies.
import { ConfigError, createLogger, type LogLevel } from "@static-sso/shared";
import { configFromEnv } from "./config.js";
import { createHandler } from "./handler.js";
import type { ValidatorOptions } from "./validator.js";

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
const level = LEVELS.find((l) => l === process.env.LOG_LEVEL) ?? "info";
const logger = createLogger({ service: "validate-api" }, { level });

function loadOptions(): ValidatorOptions {
  try {
    return configFromEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error("invalid configuration", { variable: error.field, problem: error.message });
    }
    throw error;
  }
}

export const handler = createHandler({ ...loadOptions(), logger });
