// Built for Lambda@Edge and, as written (no lowering), into the CloudFront Function (packages/session-check):
// what the function keeps is in the syntax cloudfront-js-2.0 documents (no for-of, destructuring, default
// arguments or spread; index loops, forEach and some instead), and esbuild refuses the rest. Classes only
// in the `*-error.ts` modules (only the edge throws them; the function's bundle drops them).
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
