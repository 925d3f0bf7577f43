import { REFRESH_PATH } from "../config.js";
import { refreshTokens } from "../oidc/refresh.js";
import { TokenEndpointError } from "../oidc/token-request.js";
import type { Response } from "../render.js";
import { isUsableAccessToken } from "../session/access-token-use.js";
import { localExp } from "../session/check-session.js";
import { readChunked, SessionTooLargeError, sessionSetCookies } from "../session/cookies.js";
import { checkSessionCookie, mintSessionCookie } from "../session/session-cookie.js";
import { validateToken } from "../validate-client.js";
import { startLogin } from "./login.js";
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
  const { config, names } = ctx;
  const fastPath = config.mode === "cloudfront-function" && config.sessionKeys;
  const back = returnTo(step);
  if (fastPath && facts.route.kind !== "refresh")
    return answer("refresh", reason, {
      kind: "redirect",
      location: `${REFRESH_PATH}?return=${encodeURIComponent(back)}`,
    });
  if (fastPath && checkSessionCookie(facts.cookies, { names, keys: fastPath, now: ctx.now }).kind === "valid")
    return answer("refresh", "already_refreshed", { kind: "redirect", location: back });

  const expired = () => sessionSetCookies(names, {}, facts.cookies);
  const refused = async (why: string): Promise<Answer> => {
    if (facts.navigation) return answer("login", why, await startLogin(step, expired()));
    return answer("deny", why, { kind: "unauthorized", reason: why, setCookies: expired() });
  };
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
    return refused("refresh_failed");
  }
  const id = tokens.id_token ?? readChunked(facts.cookies, names.session.id);
  try {
    if (!fastPath) {
      const setCookies = sessionSetCookies(
        names,
        { access: tokens.access_token, id, refresh: tokens.refresh_token },
        facts.cookies,
      );
      return answer("refresh", reason, { kind: "redirect", location: back, setCookies });
    }
    // The session cookie stands for the access token: only a token the validation API accepts gets one.
    const exp = localExp(tokens.access_token);
    const checked = await timed(step, "validateMs", () =>
      validateToken(tokens.access_token, {
        validateUrl: config.validateUrl,
        timeoutMs: step.deadline.remaining(config.validateTimeoutMs),
        ...fetchOption(step),
        ...(ctx.signValidate ? { sign: ctx.signValidate } : {}),
      }),
    );
    if (checked.kind === "unavailable") return answer("unavailable", checked.reason, { kind: "unavailable" });
    if (
      checked.kind !== "valid" ||
      typeof exp !== "number" ||
      !isUsableAccessToken(checked.claims, config.clientId)
    )
      return refused(checked.kind === "invalid" ? `access_token_${checked.code}` : "access_token_not_usable");
    const setCookies = [
      ...sessionSetCookies(names, { id, refresh: tokens.refresh_token }, facts.cookies),
      mintSessionCookie(checked.claims, exp, tokens.refresh_token !== undefined, {
        names,
        key: fastPath.current,
        rules: ctx.rules,
        clientId: config.clientId,
        now: ctx.now,
      }),
    ];
    return answer("refresh", reason, { kind: "redirect", location: back, setCookies });
  } catch (error) {
    if (!(error instanceof SessionTooLargeError)) throw error;
    step.trace.detail = error.message;
    return answer("deny", "session_too_large", {
      kind: "login_failed",
      reason: "session_too_large",
      setCookies: expired(),
    });
  }
}

function answer(outcome: string, reason: string, response: Response): Answer {
  return { outcome, reason, response };
}
