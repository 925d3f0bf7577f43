import { refreshTokens } from "../oidc/refresh.js";
import { TokenEndpointError } from "../oidc/token-request.js";
import { originalPath } from "../return-path.js";
import { readChunked, SessionTooLargeError, sessionSetCookies } from "../session/cookies.js";
import { startLogin } from "./login.js";
import { type Answer, discovery, fetchOption, type Step, timed } from "./step.js";

/**
 * The refresh grant: new tokens from the IdP's token endpoint for the refresh-token cookie, then back
 * to the same URL with the new session. A refused refresh (revoked, rotated away, expired) ends the
 * session: a page load goes through the IdP again (its own session brings the user straight back), a
 * fetch gets 401.
 */
export async function refresh(step: Step, reason: string): Promise<Answer> {
  const { ctx, facts, deadline, trace } = step;
  const { config, names } = ctx;
  const cookies = facts.cookies;
  const expired = () => sessionSetCookies(names, {}, cookies);
  const doc = await discovery(step);
  try {
    const tokens = await timed(step, "grantMs", () =>
      refreshTokens(doc.token_endpoint, readChunked(cookies, names.session.refresh) ?? "", config, {
        timeoutMs: deadline.remaining(config.idpTimeoutMs),
        ...fetchOption(step),
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
    const location = originalPath(facts.uri, facts.querystring);
    return { outcome: "refresh", reason, response: { kind: "redirect", location, setCookies } };
  } catch (error) {
    if (error instanceof SessionTooLargeError) {
      trace.detail = error.message;
      const response = { kind: "login_failed", reason: "session_too_large", setCookies: expired() } as const;
      return { outcome: "deny", reason: "session_too_large", response };
    }
    if (!(error instanceof TokenEndpointError)) throw error;
    trace.detail = `refresh_rejected:${error.oauthError}`;
    if (facts.navigation)
      return { outcome: "login", reason: "refresh_failed", response: await startLogin(step, expired()) };
    const response = { kind: "unauthorized", reason: "refresh_failed", setCookies: expired() } as const;
    return { outcome: "deny", reason: "refresh_failed", response };
  }
}
