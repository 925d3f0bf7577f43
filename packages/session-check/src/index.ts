// Node side of the package: the build (and what tests, the bench and the local stack need around it).
// The function itself is src/function.ts, built to one file by buildSessionCheck.
export {
  asFunctionFile,
  type BuiltFunction,
  buildSessionCheck,
  FUNCTION_CODE_LIMIT_BYTES,
  FUNCTION_CODE_TARGET_BYTES,
  functionConfig,
  type SiteRules,
  SiteRulesError,
} from "./build.js";
export {
  CURRENT_KEY,
  decide,
  LOGIN_PATH,
  type Outcome,
  PREVIOUS_KEY,
  queryText,
  REFRESH_PATH,
  type Route,
  returnPath,
  routeOf,
  type SessionCheckConfig,
  type SessionState,
} from "./decide.js";
export { type FunctionResponse, responseFor } from "./responses.js";
