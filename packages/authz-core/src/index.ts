export {
  type CanonicalPath,
  canonicalPath,
  canonicalSegment,
  decisionPath,
  MAX_PATH_LENGTH,
  type PathRefusal,
} from "./canonical-path.js";
export { globMatch, globsOverlap } from "./glob.js";
export {
  type AccessRules,
  canonicalGlob,
  compileRules,
  type Needs,
  needsOf,
  type RequiredRoles,
  RuleError,
} from "./rules.js";
