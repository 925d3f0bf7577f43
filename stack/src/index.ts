export { toFunctionEvent } from "./cloudfront/function-event.js";
export {
  type CloudFrontFunction,
  type CloudFrontFunctionOptions,
  cloudFrontFunctionEvent,
  type FunctionEvent,
  FunctionLoadError,
  type FunctionRequest,
  type FunctionResponse,
  type FunctionResult,
  loadCloudFrontFunction,
} from "./cloudfront/function-sandbox.js";
export { KvsFileError, kvsFileReader, writeKvsFile } from "./cloudfront/kvs-file.js";
export { loadEdgeBundle, type ViewerRequestHandler } from "./cloudfront/load-edge-bundle.js";
export { toViewerRequestEvent } from "./cloudfront/viewer-request-event.js";
export {
  AUTH_PATH_PATTERN,
  type CloudFrontEmulator,
  type CloudFrontEmulatorOptions,
  type EdgeRuntime,
  type RequestLogLine,
  SECURITY_HEADERS,
  startCloudFrontEmulator,
  type ViewerFunctionOptions,
} from "./cloudfront-emulator.js";
export { demoEdgeConfig, type EdgeConfigParts } from "./demo-edge-config.js";
export {
  DEFAULT_EDGE_MODE,
  EDGE_MODES,
  type EdgeMode,
  newSessionKeyValue,
  prepareViewerFunction,
  type SessionKeyValues,
  siteRulesOf,
} from "./fast-path.js";
export { LOCAL_API_REGION, LOCAL_EDGE_CREDENTIALS } from "./local-iam.js";
export { StackError, type StackErrorCode } from "./stack-error.js";
export {
  DEFAULT_EDGE_BUNDLE,
  DEFAULT_PORTS,
  DEFAULT_SITE_DIR,
  type IdpKind,
  type RunningStack,
  type StackOptions,
  startStack,
} from "./start-stack.js";
