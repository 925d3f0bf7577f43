export { DEFAULT_ALGORITHMS, SUPPORTED_ALGORITHMS, type SupportedAlgorithm } from "./algorithms.js";
export { configFromEnv, type Env, logLevelFromEnv } from "./config.js";
export { createHandler, FUNCTION_NAME, type HandlerOptions, type ValidateHandler } from "./handler.js";
export { checkSigV4, type IamCheckOptions, SIGV4_MAX_SKEW_MS } from "./iam-check.js";
export {
  createJwksSource,
  DEFAULT_JWKS_TIMING,
  JwksCache,
  type JwksTiming,
  sharedJwksCache,
} from "./jwks.js";
export { startValidateServer, type ValidateServer } from "./server.js";
export {
  createValidator,
  type ValidationResult,
  type Validator,
  type ValidatorOptions,
} from "./validator.js";
