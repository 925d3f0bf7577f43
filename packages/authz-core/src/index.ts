export {
  type CanonicalPath,
  canonicalPath,
  canonicalSegment,
  decisionPath,
  MAX_PATH_LENGTH,
  type PathRefusal,
} from "./canonical-path.js";
export { globMatch, globsOverlap } from "./glob.js";
export { isNavigation } from "./navigation.js";
export {
  type AccessRules,
  canonicalGlob,
  compileRules,
  type Needs,
  needsOf,
  type RequiredRoles,
  RuleError,
} from "./rules.js";
export {
  type HmacSha256,
  MAX_SESSION_TOKEN_LENGTH,
  MAX_SESSION_TOKEN_SECONDS,
  MIN_SECRET_LENGTH,
  mintSessionToken,
  parseSessionKey,
  type SessionClaims,
  type SessionKey,
  type SessionKeys,
  type SessionTokenCheck,
  SessionTokenError,
  sessionCookieName,
  sessionRoles,
  sessionTokenKid,
  verifySessionToken,
} from "./session-token.js";
