import { buildAuthorizationUrl } from "../oidc/authorization-url.js";
import { createLoginState, encodeStateCookie, STATE_COOKIE_MAX_AGE_S } from "../oidc/state.js";
import type { Response } from "../render.js";
import { clearCookieHeader, setCookieHeader } from "../session/cookies.js";
import { discovery, returnTo, type Step, siteOrigin } from "./step.js";

/**
 * Beyond this many login states in flight (tabs), or this many bytes of them, a new login clears the old
 * ones: keeps the cookie header bounded (see MAX_SESSION_COOKIE_BYTES for the rest of the budget).
 */
const MAX_PENDING_LOGINS = 8;
const MAX_PENDING_LOGIN_BYTES = 4096;

/**
 * Starts a login (authorization code flow): a fresh state, nonce and PKCE verifier kept in a state cookie
 * of their own (one per login, so tabs do not clash), and a redirect to the IdP's authorization endpoint.
 * `clear`: Set-Cookie lines to send along (an expired session's cookies).
 */
export async function startLogin(step: Step, clear: string[]): Promise<Response> {
  const { ctx, facts } = step;
  const { config, names } = ctx;
  const doc = await discovery(step);
  const login = createLoginState(returnTo(step));
  const stateName = names.state(login.state);
  const stateValue = encodeStateCookie(login);
  const pending = [...facts.cookies.keys()].filter((n) => names.stateOf(n) !== undefined);
  let pendingBytes = stateName.length + stateValue.length;
  for (const n of pending) pendingBytes += n.length + (facts.cookies.get(n)?.length ?? 0) + 3;
  const setCookies = [...clear];
  if (pending.length >= MAX_PENDING_LOGINS || pendingBytes > MAX_PENDING_LOGIN_BYTES)
    for (const n of pending) setCookies.push(clearCookieHeader(n));
  setCookies.push(setCookieHeader(stateName, stateValue, STATE_COOKIE_MAX_AGE_S));
  const location = buildAuthorizationUrl(doc.authorization_endpoint, {
    clientId: config.clientId,
    redirectUri: `${siteOrigin(step)}${config.callbackPath}`,
    scopes: config.scopes,
    state: login.state,
    nonce: login.nonce,
    challenge: login.challenge,
  });
  return { kind: "redirect", location, setCookies };
}
