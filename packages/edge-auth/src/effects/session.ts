import { sessionSetCookies } from "../session/cookies.js";
import { mintSessionCookie } from "../session/session-cookie.js";
import { type ValidationOutcome, validateToken } from "../validate-client.js";
import { fetchOption, type Step } from "./step.js";

/** The tokens of a new session, the access token already validated (its claims and its `exp`). */
export interface NewSession {
  accessToken: string;
  accessClaims: Record<string, unknown>;
  accessExp: number;
  idToken?: string | undefined;
  refreshToken?: string | undefined;
}

/**
 * The Set-Cookie lines that store a new session, in either mode: the IdP's tokens in cookies
 * (`lambda-edge`), or the signed session cookie minted from the access token with the ID and refresh
 * tokens scoped to /_auth/ (`cloudfront-function`). Throws SessionTooLargeError.
 */
export function sessionCookies(step: Step, session: NewSession): string[] {
  const { config, names } = step.ctx;
  const present = step.facts.cookies;
  const refresh = session.refreshToken ? { refresh: session.refreshToken } : {};
  const keys = config.mode === "cloudfront-function" ? config.sessionKeys : undefined;
  if (!keys)
    return sessionSetCookies(
      names,
      { access: session.accessToken, id: session.idToken, ...refresh },
      present,
    );
  // Fast path: no access token in a cookie; the signed session cookie stands for it on page views.
  return [
    ...sessionSetCookies(names, { id: session.idToken, ...refresh }, present),
    mintSessionCookie(session.accessClaims, session.accessExp, session.refreshToken !== undefined, {
      names,
      key: keys.current,
      rules: step.ctx.rules,
      clientId: config.clientId,
      now: step.ctx.now,
    }),
  ];
}

/** Asks the validation API about a token, within this request's budget (signed when configured). */
export function askValidationApi(step: Step, token: string): Promise<ValidationOutcome> {
  const { ctx, deadline } = step;
  return validateToken(token, {
    validateUrl: ctx.config.validateUrl,
    timeoutMs: deadline.remaining(ctx.config.validateTimeoutMs),
    ...fetchOption(step),
    sign: ctx.signValidate,
  });
}
