import { REFRESH_PATH } from "../config.js";
import { refreshTokens } from "../oidc/refresh.js";
import { TokenEndpointError } from "../oidc/token-request.js";
import type { Response } from "../render.js";
import { isUsableAccessToken } from "../session/access-token-use.js";
import { localExp } from "../session/check-session.js";
import { readChunked, SessionTooLargeError, sessionSetCookies } from "../session/cookies.js";
import { checkSessionCookie } from "../session/session-cookie.js";
import { startLogin } from "./login.js";
import { askValidationApi, type NewSession, sessionCookies } from "./session.js";
import { type Answer, discovery, fetchOption, returnTo, type Step, timed } from "./step.js";

/**
 * The refresh grant: new tokens from the IdP's token endpoint for the refresh-token cookie, then back
 * to the page with the new session. A refused refresh (revoked, or rotated away by another tab's
 * refresh) ends the session: a page load goes through the IdP again (its own session brings the user
 * straight back), a fetch gets 401.
 *
 * Fast path: the refresh token is only sent to `/_auth/`, so a page elsewhere is sent to `/_auth/refresh`
 * first; there the new access token is validated by the validation API and a new session cookie
 * minted. If the browser already holds a valid session cookie (another tab refreshed first), it goes
 * straight back without a grant.
 */
export async function refresh(step: Step, reason: string): Promise<Answer> {
  const { ctx, facts } = step;
  const keys = ctx.config.mode === "cloudfront-function" ? ctx.config.sessionKeys : undefined;
  const back = returnTo(step);
  if (keys && facts.route.kind !== "refresh")
    return answer("refresh", reason, {
      kind: "redirect",
      location: `${REFRESH_PATH}?return=${encodeURIComponent(back)}`,
    });
  if (keys && checkSessionCookie(facts.cookies, { names: ctx.names, keys, now: ctx.now }).kind === "valid")
    return answer("refresh", "already_refreshed", { kind: "redirect", location: back });

  const expired = () => sessionSetCookies(ctx.names, {}, facts.cookies);
  const session = await renewedSession(step);
  if ("unavailable" in session) return answer("unavailable", session.unavailable, { kind: "unavailable" });
  if ("refused" in session) {
    if (facts.navigation) return answer("login", session.refused, await startLogin(step, expired()));
    return answer("deny", session.refused, {
      kind: "unauthorized",
      reason: session.refused,
      setCookies: expired(),
    });
  }
  try {
    return answer("refresh", reason, {
      kind: "redirect",
      location: back,
      setCookies: sessionCookies(step, session),
    });
  } catch (error) {
    if (!(error instanceof SessionTooLargeError)) throw error;
    step.trace.detail = error.message;
    const response = { kind: "login_failed", reason: "session_too_large", setCookies: expired() } as const;
    return answer("deny", "session_too_large", response);
  }
}

/**
 * New tokens for the refresh-token cookie. The fast path mints its cookie from the access token, so
 * there the validation API must accept it first; the original design checks it on the next page load.
 */
async function renewedSession(
  step: Step,
): Promise<NewSession | { refused: string } | { unavailable: string }> {
  const { ctx, facts } = step;
  const { config, names } = ctx;
  const doc = await discovery(step);
  let tokens: Awaited<ReturnType<typeof refreshTokens>>;
  try {
    tokens = await timed(step, "grantMs", () =>
      refreshTokens(doc.token_endpoint, readChunked(facts.cookies, names.session.refresh) ?? "", config, {
        timeoutMs: step.deadline.remaining(config.idpTimeoutMs),
        ...fetchOption(step),
      }),
    );
  } catch (error) {
    if (!(error instanceof TokenEndpointError)) throw error;
    step.trace.detail = `refresh_rejected:${error.oauthError}`;
    return { refused: "refresh_failed" };
  }
  const exp = localExp(tokens.access_token);
  if (typeof exp !== "number") return { refused: "access_token_malformed" };
  // Already expired by this edge's clock: stored, it would be refreshed again on the next page load, in
  // a loop (one grant per hop); refused, a page load goes through the IdP once and the callback says why.
  if (exp * 1000 <= step.ctx.now()) return { refused: "access_token_expired_on_arrival" };
  const session = {
    accessToken: tokens.access_token,
    accessClaims: {},
    accessExp: 0,
    idToken: tokens.id_token ?? readChunked(facts.cookies, names.session.id),
    refreshToken: tokens.refresh_token,
  };
  if (config.mode !== "cloudfront-function") return session;
  const checked = await timed(step, "validateMs", () => askValidationApi(step, tokens.access_token));
  if (checked.kind === "unavailable") return { unavailable: checked.reason };
  if (checked.kind === "invalid") return { refused: `access_token_${checked.code}` };
  if (!isUsableAccessToken(checked.claims, config.clientId)) return { refused: "access_token_not_usable" };
  return { ...session, accessClaims: checked.claims, accessExp: exp };
}

function answer(outcome: string, reason: string, response: Response): Answer {
  return { outcome, reason, response };
}
