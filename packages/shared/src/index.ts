export { createDeadline, type Deadline, REQUEST_BUDGET_MS } from "./deadline.js";
export { type DiscoveryDocument, discoveryUrl, fetchDiscovery } from "./discovery.js";
export { isValidationErrorCode, VALIDATION_ERROR_CODES, type ValidationErrorCode } from "./error-codes.js";
export { ConfigError, SsoError, TokenError, UpstreamError } from "./errors.js";
export { type FetchJsonOptions, fetchJson, type JsonResponse } from "./fetch-json.js";
export { hmacSha256 } from "./hmac.js";
export { checkHttpsUrl, isHttpsUrl } from "./https-url.js";
export {
  createLogger,
  isLogLevel,
  LOG_LEVELS,
  type LogFields,
  type Logger,
  type LogLevel,
  type LogSink,
} from "./logger.js";
export { createLru, type Lru, type LruOptions } from "./lru.js";
export { rolesFromClaims } from "./roles-from-claims.js";
export {
  type AwsCredentials,
  NodeSha256,
  payloadHash,
  type SignableRequest,
  signRequest,
} from "./sigv4.js";
export { tokenFingerprint } from "./token-fingerprint.js";
export type { ValidateFailure, ValidateResponse, ValidateSuccess } from "./validate-response.js";
