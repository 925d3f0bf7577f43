// The Lambda entry (esbuild bundles this file into dist/index.js). Configuration is read once, at cold
// start. Bad configuration is logged as one JSON line naming the variable, then thrown: Lambda reports an
// init error (Runtime.InitError) and API Gateway answers 500, so a misconfigured function never answers
// "valid" and the problem is visible in the function's logs and metrics, not hidden in 500 bodies.
import { ConfigError, createLogger, type LogLevel } from "@static-sso/shared";
import { configFromEnv, logLevelFromEnv } from "./config.js";
import { createHandler, FUNCTION_NAME } from "./handler.js";
import type { ValidatorOptions } from "./validator.js";

function loadOptions(): { options: ValidatorOptions; level: LogLevel } {
  try {
    return { options: configFromEnv(process.env), level: logLevelFromEnv(process.env) };
  } catch (error) {
    if (error instanceof ConfigError) {
      createLogger({ fn: FUNCTION_NAME }).error("invalid configuration", {
        variable: error.field,
        problem: error.message,
      });
    }
    throw error;
  }
}

const { options, level } = loadOptions();
export const handler = createHandler({ ...options, logger: createLogger({ fn: FUNCTION_NAME }, { level }) });
