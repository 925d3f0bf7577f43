export { loadConfig, readSsmParameter } from "./config/load-config.js";
export { ssmParameterName } from "./config/ssm-parameter-name.js";
export {
  CONFIG_DEFAULTS,
  type EdgeConfig,
  parseConfig,
  parseConfigText,
  type RequiredRoles,
} from "./config.js";
export { type Decision, decide, type SessionCheck } from "./decide.js";
export { type Facts, type Route, readFacts, routeOf } from "./facts.js";
export { createHandler, type EdgeHandler, type HandlerDeps } from "./handle.js";
export { createLambdaHandler, type LambdaHandlerOptions } from "./lambda-handler.js";
