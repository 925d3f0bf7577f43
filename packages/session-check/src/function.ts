// The CloudFront Function itself (runtime cloudfront-js-2.0), as built into dist/session-check.js. Written
// in the syntax that runtime documents (no destructuring, spread, for-of, default arguments, object
// shorthand, optional chaining, ?? or classes; async only at the top level): the build refuses anything
// else, here as in decide.ts, responses.ts and authz-core, which are bundled as written too. Every byte
// counts toward CloudFront's 10 KB (our target 8 KiB): helpers are arrow functions, and the built-ins
// used are those the runtime lists (forEach, some, concat, includes, fixed RegExps among them).
import {
  isNavigation,
  parseSessionKey,
  type SessionKey,
  sessionTokenKid,
  verifySessionToken,
} from "@static-sso/authz-core";
import cf from "cloudfront";
// biome-ignore lint/style/useNodejsImportProtocol: the runtime's own crypto module, not Node's; it has no node: name.
import crypto from "crypto";
import {
  CURRENT_KEY,
  decide,
  PREVIOUS_KEY,
  queryText,
  returnPath,
  routeOf,
  type SessionCheckConfig,
  type SessionState,
} from "./decide.js";
import { type FunctionResponse, responseFor } from "./responses.js";

/** A viewer-request event as CloudFront Functions pass it (only the fields read here). */
interface FunctionEvent {
  context: { requestId?: string };
  request: {
    uri: string;
    querystring: Record<string, { value: string; multiValue?: Array<{ value: string }> }>;
    headers: Record<string, { value: string } | undefined>;
    cookies: Record<string, { value: string } | undefined>;
  };
}

declare const __SESSION_CHECK_CONFIG__: SessionCheckConfig;
/** The site's rules and names, baked in at build time (scripts/build.ts). */
const CONFIG: SessionCheckConfig = __SESSION_CHECK_CONFIG__;

// No KeyValueStore associated (kvs() throws, kvs stays undefined): every protected request is answered
// 503, never passed.
let kvs: ReturnType<typeof cf.kvs> | undefined;
try {
  kvs = cf.kvs();
} catch (_e) {}

const hmac = (secret: string, data: string): string =>
  crypto.createHmac("sha256", secret).update(data).digest("base64url");

async function readKey(name: string): Promise<SessionKey | undefined> {
  try {
    return kvs ? parseSessionKey(await kvs.get(name)) : undefined;
  } catch (_e) {
    return undefined;
  }
}

/** The cookie checked against the current key, and the previous one only when the cookie names another. */
async function checkSession(token: string | undefined): Promise<SessionState> {
  // An empty cookie is no cookie, as for the edge.
  if (!token) return { kind: "no_session" };
  const kid = sessionTokenKid(token);
  if (kid === undefined) return { kind: "token_malformed" };
  const current = await readKey(CURRENT_KEY);
  const previous = current && current.kid === kid ? undefined : await readKey(PREVIOUS_KEY);
  if (!current && !previous) return { kind: "keys_unavailable" };
  const keys = { current: current, previous: previous };
  const check = verifySessionToken(token, keys, hmac, Math.floor(Date.now() / 1000));
  // No usable current key: a cookie no key here vouches for may be one the edge just minted with it.
  // A login would mint another the function cannot check either (a loop): the store is at fault, 503.
  return !current && check.kind === "key_not_found" ? { kind: "keys_unavailable" } : check;
}

const header = (request: FunctionEvent["request"], name: string): string | undefined => {
  const h = request.headers[name];
  return h ? h.value : undefined;
};

export async function handler(event: FunctionEvent): Promise<FunctionEvent["request"] | FunctionResponse> {
  const request = event.request;
  const route = routeOf(request.uri, CONFIG);
  const cookie = request.cookies[CONFIG.cookieName];
  const session: SessionState =
    route.kind === "protected"
      ? await checkSession(cookie ? cookie.value : undefined)
      : { kind: "no_session" };
  const navigation = isNavigation(header(request, "sec-fetch-mode"), header(request, "accept"));
  const back = returnPath(route.kind === "protected" ? route.path : "/", queryText(request.querystring));
  const outcome = decide(route, session, navigation, back);
  if (outcome.kind === "pass") {
    request.uri = outcome.uri;
    return request;
  }
  const response = responseFor(outcome, CONFIG.logoutPath);
  // One line per request that is not passed on; never the cookie.
  const line = {
    fn: "session-check",
    requestId: event.context.requestId,
    outcome: outcome.kind,
    reason: outcome.reason,
    status: response.statusCode,
  };
  console.log(JSON.stringify(line));
  return response;
}
