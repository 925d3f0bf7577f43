import type { AccessRules } from "@static-sso/authz-core";
import { UpstreamError } from "@static-sso/shared";
import type { CloudFrontRequest, CloudFrontResultResponse } from "aws-lambda";
import type { EdgeConfig } from "./config.js";
import type { Deadline } from "./deadline.js";
import { type Decision, decide, routeOf } from "./decide.js";
import { isLogoutAllowed } from "./logout-guard.js";
import { buildAuthorizationUrl } from "./oidc/authorization-url.js";
import type { DiscoveryCache } from "./oidc/discovery-cache.js";
import { buildLogoutUrl, postLogoutRedirectUri } from "./oidc/logout-url.js";
import { refreshTokens } from "./oidc/refresh.js";
import {
  createLoginState,
  decodeStateCookie,
  encodeStateCookie,
  isWellFormedState,
  STATE_COOKIE_MAX_AGE_S,
} from "./oidc/state.js";
import { exchangeCode } from "./oidc/token-exchange.js";
import { TokenEndpointError } from "./oidc/token-request.js";
import {
  badRequestResponse,
  forbiddenResponse,
  loginFailedResponse,
  logoutConfirmResponse,
  redirectResponse,
  unauthorizedResponse,
  unavailableResponse,
} from "./responses.js";
import { originalPath } from "./return-path.js";
import { isUsableAccessToken } from "./session/access-token-use.js";
import { checkSession, localExp, rememberValid } from "./session/check-session.js";
import {
  type CookieNames,
  clearAllCookies,
  clearCookieHeader,
  parseCookieHeaders,
  readChunked,
  SessionTooLargeError,
  sessionSetCookies,
  setCookieHeader,
  stripOwnCookies,
} from "./session/cookies.js";
import type { ValidationCache } from "./session/validation-cache.js";
import { siteOriginOf } from "./site-origin.js";
import { validateToken } from "./validate-client.js";
import type { ValidateSigner } from "./validate-signer.js";
import { isNavigation, type ViewerRequest } from "./viewer-request.js";

/** Shared by every request of a container: config, caches. Nothing request-specific. */
export interface HandlerContext {
  config: EdgeConfig;
  /** config's public and role rules, compiled once (accessRules). */
  rules: AccessRules;
  names: CookieNames;
  cache: ValidationCache;
  discovery: DiscoveryCache;
  now: () => number;
  fetch?: typeof fetch;
  /** Signs validation API calls (config `validateAuth: "iam"`). */
  signValidate?: ValidateSigner;
}

/** Per request: what the log line reports. */
export interface RequestTrace {
  timings: Record<string, number>;
  cache?: "hit" | "miss";
  detail?: string;
}

export type Handled = { decision: Decision; result: CloudFrontRequest | CloudFrontResultResponse };

/**
 * Beyond this many login states in flight (tabs), or this many bytes of them, a new login clears the old
 * ones: keeps the cookie header bounded (see MAX_SESSION_COOKIE_BYTES for the rest of the budget).
 */
const MAX_PENDING_LOGINS = 8;
const MAX_PENDING_LOGIN_BYTES = 4096;

async function timed<T>(
  trace: RequestTrace,
  key: string,
  now: () => number,
  work: () => Promise<T>,
): Promise<T> {
  const started = now();
  try {
    return await work();
  } finally {
    trace.timings[key] = (trace.timings[key] ?? 0) + (now() - started);
  }
}

export async function handleRequest(
  ctx: HandlerContext,
  request: CloudFrontRequest,
  req: ViewerRequest,
  deadline: Deadline,
  trace: RequestTrace,
): Promise<Handled> {
  const { config, names } = ctx;
  const cookies = parseCookieHeaders(req.cookieHeaders);
  const route = routeOf(req.uri, config, ctx.rules);
  if (route.kind === "bad_path") trace.detail = route.reason;
  const navigation = isNavigation(req);
  const fetchOpt = ctx.fetch ? { fetch: ctx.fetch } : {};
  const signOpt = ctx.signValidate ? { sign: ctx.signValidate } : {};

  let session: Awaited<ReturnType<typeof checkSession>> | undefined;
  if (route.kind === "protected") {
    session = await checkSession(cookies, {
      names,
      clientId: config.clientId,
      cache: ctx.cache,
      cacheMaxMs: config.validationCacheMaxSeconds * 1000,
      now: ctx.now,
      validateUrl: config.validateUrl,
      timeoutMs: deadline.remaining(config.validateTimeoutMs),
      ...fetchOpt,
      ...signOpt,
      onValidateCall: (ms) => {
        trace.timings.validateMs = ms;
      },
    });
    if (session.kind === "valid") trace.cache = session.cached ? "hit" : "miss";
  }
  const decision = decide({ route, navigation, config, ...(session ? { session } : {}) });
  // Nearly every request ends here: nothing below is built for it.
  if (decision.type === "allow")
    return { decision, result: passToOrigin(request, req, names, decision.forwardPath) };

  const discovery = () =>
    timed(trace, "discoveryMs", ctx.now, () => ctx.discovery.get(deadline.remaining(config.idpTimeoutMs)));
  // Only logins, callbacks and logouts need these: worked out on first use.
  let origin: string | undefined;
  const siteOrigin = () => {
    origin ??= siteOriginOf(req.host, config);
    return origin;
  };
  const redirectUri = () => `${siteOrigin()}${config.callbackPath}`;

  const startLogin = async (clear: string[]): Promise<CloudFrontResultResponse> => {
    const doc = await discovery();
    const login = createLoginState(originalPath(req.uri, req.querystring));
    const stateName = names.state(login.state);
    const stateValue = encodeStateCookie(login);
    const pending = [...cookies.keys()].filter((n) => names.stateOf(n) !== undefined);
    let pendingBytes = stateName.length + stateValue.length;
    for (const n of pending) pendingBytes += n.length + (cookies.get(n)?.length ?? 0) + 3;
    const setCookies = [...clear];
    if (pending.length >= MAX_PENDING_LOGINS || pendingBytes > MAX_PENDING_LOGIN_BYTES)
      for (const n of pending) setCookies.push(clearCookieHeader(n));
    setCookies.push(setCookieHeader(stateName, stateValue, STATE_COOKIE_MAX_AGE_S));
    const location = buildAuthorizationUrl(doc.authorization_endpoint, {
      clientId: config.clientId,
      redirectUri: redirectUri(),
      scopes: config.scopes,
      state: login.state,
      nonce: login.nonce,
      challenge: login.challenge,
    });
    return redirectResponse(location, setCookies);
  };
  const expireSession = () => sessionSetCookies(names, {}, cookies);

  try {
    switch (decision.type) {
      case "deny":
        return {
          decision,
          result:
            decision.reason === "bad_path" ? badRequestResponse() : forbiddenResponse(config.logoutPath),
        };
      case "unavailable":
        return { decision, result: unavailableResponse() };
      case "unauthorized":
        return { decision, result: unauthorizedResponse(decision.reason, expireSession()) };
      case "login":
        return { decision, result: await startLogin(expireSession()) };
      case "refresh": {
        const refreshToken = readChunked(cookies, names.session.refresh) ?? "";
        const doc = await discovery();
        try {
          const tokens = await timed(trace, "grantMs", ctx.now, () =>
            refreshTokens(doc.token_endpoint, refreshToken, config, {
              timeoutMs: deadline.remaining(config.idpTimeoutMs),
              ...fetchOpt,
            }),
          );
          const setCookies = sessionSetCookies(
            names,
            {
              access: tokens.access_token,
              id: tokens.id_token ?? readChunked(cookies, names.session.id),
              refresh: tokens.refresh_token,
            },
            cookies,
          );
          return { decision, result: redirectResponse(originalPath(req.uri, req.querystring), setCookies) };
        } catch (error) {
          if (error instanceof SessionTooLargeError) {
            trace.detail = error.message;
            return {
              decision: { type: "deny", reason: "session_too_large" },
              result: loginFailedResponse("session_too_large", expireSession()),
            };
          }
          if (!(error instanceof TokenEndpointError)) throw error;
          trace.detail = `refresh_rejected:${error.oauthError}`;
          const failed: Decision = navigation
            ? { type: "login", reason: "refresh_failed" }
            : { type: "unauthorized", reason: "refresh_failed" };
          const result =
            failed.type === "login"
              ? await startLogin(expireSession())
              : unauthorizedResponse("refresh_failed", expireSession());
          return { decision: failed, result };
        }
      }
      case "callback":
        return await handleCallback(ctx, req, cookies, redirectUri(), deadline, trace, discovery);
      case "logout": {
        if (!isLogoutAllowed(req, siteOrigin()))
          return {
            decision: { type: "logout", reason: "logout_not_same_origin" },
            result: logoutConfirmResponse(config.logoutPath),
          };
        const clear = clearAllCookies(names, cookies);
        const idToken = readChunked(cookies, names.session.id);
        const after = postLogoutRedirectUri(siteOrigin(), config);
        let doc: Awaited<ReturnType<typeof discovery>>;
        try {
          doc = await discovery();
        } catch {
          return {
            decision: { type: "unavailable", reason: "discovery_unavailable" },
            result: unavailableResponse(clear),
          };
        }
        const location = doc.end_session_endpoint
          ? buildLogoutUrl(doc.end_session_endpoint, {
              clientId: config.clientId,
              postLogoutRedirectUri: after,
              ...(idToken ? { idTokenHint: idToken } : {}),
            })
          : after;
        return { decision, result: redirectResponse(location, clear) };
      }
    }
  } catch (error) {
    if (error instanceof UpstreamError) {
      trace.detail = error.upstream;
      return {
        decision: { type: "unavailable", reason: `${error.upstream}_unavailable` },
        result: unavailableResponse(),
      };
    }
    throw error;
  }
}

/** The viewer's request, on to the origin for the path decided on, without this function's cookies. */
function passToOrigin(
  request: CloudFrontRequest,
  req: ViewerRequest,
  names: CookieNames,
  uri: string,
): CloudFrontRequest {
  if (req.cookieHeaders.length === 0) return uri === request.uri ? request : { ...request, uri };
  const kept = stripOwnCookies(req.cookieHeaders, names);
  const headers = { ...request.headers };
  if (kept.length === 0) delete headers.cookie;
  else headers.cookie = kept.map((value) => ({ key: "Cookie", value }));
  return { ...request, uri, headers };
}

async function handleCallback(
  ctx: HandlerContext,
  req: ViewerRequest,
  cookies: ReadonlyMap<string, string>,
  redirectUri: string,
  deadline: Deadline,
  trace: RequestTrace,
  discovery: () => Promise<{ token_endpoint: string }>,
): Promise<Handled> {
  const { config, names } = ctx;
  const params = new URLSearchParams(req.querystring);
  const state = params.get("state");
  const stateCookie = isWellFormedState(state) ? names.state(state) : undefined;
  const clear = stateCookie && cookies.has(stateCookie) ? [clearCookieHeader(stateCookie)] : [];
  const fail = (reason: string): Handled => ({
    decision: { type: "callback", reason },
    result: loginFailedResponse(reason, clear),
  });
  const idpError = params.get("error");
  if (idpError) return fail(`idp_${idpError.replace(/[^a-z_]/g, "").slice(0, 40)}`);
  const login =
    stateCookie && isWellFormedState(state) ? decodeStateCookie(state, cookies.get(stateCookie)) : undefined;
  if (!login) return fail("state_mismatch");
  const code = params.get("code");
  if (!code) return fail("code_missing");

  const doc = await discovery();
  let tokens: Awaited<ReturnType<typeof exchangeCode>>;
  try {
    tokens = await timed(trace, "grantMs", ctx.now, () =>
      exchangeCode(doc.token_endpoint, { code, redirectUri, verifier: login.verifier }, config, {
        timeoutMs: deadline.remaining(config.idpTimeoutMs),
        ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
      }),
    );
  } catch (error) {
    if (error instanceof TokenEndpointError) return fail(`code_rejected_${error.oauthError}`);
    throw error;
  }
  const idToken = tokens.id_token;
  if (!idToken) return fail("id_token_missing");
  const accessExp = localExp(tokens.access_token);
  if (typeof accessExp !== "number") return fail("access_token_malformed");

  // Both tokens, at once: the ID token for who signed in (nonce, aud), the access token because it is the
  // session. A session the first page load would refuse (no audience mapper, another client's token)
  // is refused here, with its reason, instead of sending the browser round the IdP in a loop.
  const ask = (token: string) =>
    validateToken(token, {
      validateUrl: config.validateUrl,
      timeoutMs: deadline.remaining(config.validateTimeoutMs),
      ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
      ...(ctx.signValidate ? { sign: ctx.signValidate } : {}),
    });
  const [idOutcome, accessOutcome] = await timed(trace, "validateMs", ctx.now, () =>
    Promise.all([ask(idToken), ask(tokens.access_token)]),
  );
  const down =
    idOutcome.kind === "unavailable"
      ? idOutcome
      : accessOutcome.kind === "unavailable"
        ? accessOutcome
        : undefined;
  if (down)
    return { decision: { type: "unavailable", reason: down.reason }, result: unavailableResponse(clear) };
  if (idOutcome.kind === "invalid") return fail(`id_token_${idOutcome.code}`);
  if (idOutcome.kind !== "valid" || idOutcome.claims.nonce !== login.nonce) return fail("nonce_mismatch");
  const aud = idOutcome.claims.aud;
  if (!(aud === config.clientId || (Array.isArray(aud) && aud.includes(config.clientId))))
    return fail("id_token_audience");
  if (accessOutcome.kind === "invalid") return fail(`access_token_${accessOutcome.code}`);
  if (accessOutcome.kind !== "valid" || !isUsableAccessToken(accessOutcome.claims, config.clientId))
    return fail("access_token_not_usable");

  let setCookies: string[];
  try {
    setCookies = [
      ...clear,
      ...sessionSetCookies(
        names,
        {
          access: tokens.access_token,
          id: idToken,
          ...(tokens.refresh_token ? { refresh: tokens.refresh_token } : {}),
        },
        cookies,
      ),
    ];
  } catch (error) {
    if (!(error instanceof SessionTooLargeError)) throw error;
    trace.detail = error.message;
    return fail("session_too_large");
  }
  // The first page load after this is then a cache hit: no second call for the same token.
  rememberValid(ctx.cache, tokens.access_token, accessOutcome, accessExp, {
    clientId: config.clientId,
    cacheMaxMs: config.validationCacheMaxSeconds * 1000,
    now: ctx.now,
  });
  return {
    decision: { type: "callback", reason: "signed_in" },
    result: redirectResponse(login.returnTo, setCookies),
  };
}
