import type { LoginState } from "../oidc/state.js";
import { decodeStateCookie, isWellFormedState } from "../oidc/state.js";
import { exchangeCode } from "../oidc/token-exchange.js";
import { TokenEndpointError } from "../oidc/token-request.js";
import { isUsableAccessToken } from "../session/access-token-use.js";
import { localExp, rememberValid } from "../session/check-session.js";
import {
  type CookieNames,
  clearCookieHeader,
  SessionTooLargeError,
  sessionSetCookies,
} from "../session/cookies.js";
import { mintSessionCookie } from "../session/session-cookie.js";
import { type ValidationOutcome, validateToken } from "../validate-client.js";
import { type Answer, discovery, fetchOption, type Step, siteOrigin, timed } from "./step.js";

/** What the callback's query and state cookie amount to, before any I/O. */
export type CallbackCheck =
  | { ok: true; login: LoginState; code: string; clear: string[] }
  | { ok: false; reason: string; clear: string[] };

/**
 * The callback's own checks, pure: no IdP error, a state that names a login of this browser (its state
 * cookie, one use: cleared whatever happens), and a code.
 */
export function judgeCallback(
  querystring: string,
  cookies: ReadonlyMap<string, string>,
  names: CookieNames,
): CallbackCheck {
  const params = new URLSearchParams(querystring);
  const state = params.get("state");
  const stateCookie = isWellFormedState(state) ? names.state(state) : undefined;
  const clear = stateCookie && cookies.has(stateCookie) ? [clearCookieHeader(stateCookie)] : [];
  const idpError = params.get("error");
  if (idpError) return { ok: false, reason: `idp_${idpError.replace(/[^a-z_]/g, "").slice(0, 40)}`, clear };
  const login = stateCookie && state ? decodeStateCookie(state, cookies.get(stateCookie)) : undefined;
  if (!login) return { ok: false, reason: "state_mismatch", clear };
  const code = params.get("code");
  if (!code) return { ok: false, reason: "code_missing", clear };
  return { ok: true, login, code, clear };
}

/**
 * The validation API's answers on both tokens, judged, pure: the ID token for who signed in (nonce,
 * audience), the access token because it is the session. A session the first page load would refuse
 * (no audience mapper, another client's token) is refused here, with its reason, instead of sending the
 * browser round the IdP in a loop. `undefined`: both are good.
 */
export function judgeTokens(
  id: ValidationOutcome,
  access: ValidationOutcome,
  expected: { nonce: string; clientId: string },
): { unavailable: string } | { refused: string } | undefined {
  const down = id.kind === "unavailable" ? id : access.kind === "unavailable" ? access : undefined;
  if (down) return { unavailable: down.reason };
  if (id.kind === "invalid") return { refused: `id_token_${id.code}` };
  if (id.kind !== "valid" || id.claims.nonce !== expected.nonce) return { refused: "nonce_mismatch" };
  const aud = id.claims.aud;
  if (!(aud === expected.clientId || (Array.isArray(aud) && aud.includes(expected.clientId))))
    return { refused: "id_token_audience" };
  if (access.kind === "invalid") return { refused: `access_token_${access.code}` };
  if (access.kind !== "valid" || !isUsableAccessToken(access.claims, expected.clientId))
    return { refused: "access_token_not_usable" };
  return undefined;
}

/**
 * The authorization code flow's callback: checks (judgeCallback), the code exchanged with the PKCE
 * verifier, both tokens validated by the validation API at once (judgeTokens), the session cookies set,
 * and back to the page the login started from.
 */
export async function callback(step: Step): Promise<Answer> {
  const { ctx, facts, deadline, trace } = step;
  const { config, names } = ctx;
  const check = judgeCallback(facts.querystring, facts.cookies, names);
  const fail = (reason: string): Answer => ({
    outcome: "callback",
    reason,
    response: { kind: "login_failed", reason, setCookies: check.clear },
  });
  if (!check.ok) return fail(check.reason);

  const doc = await discovery(step);
  let tokens: Awaited<ReturnType<typeof exchangeCode>>;
  try {
    tokens = await timed(step, "grantMs", () =>
      exchangeCode(
        doc.token_endpoint,
        {
          code: check.code,
          redirectUri: `${siteOrigin(step)}${config.callbackPath}`,
          verifier: check.login.verifier,
        },
        config,
        { timeoutMs: deadline.remaining(config.idpTimeoutMs), ...fetchOption(step) },
      ),
    );
  } catch (error) {
    if (error instanceof TokenEndpointError) return fail(`code_rejected_${error.oauthError}`);
    throw error;
  }
  const idToken = tokens.id_token;
  if (!idToken) return fail("id_token_missing");
  const accessExp = localExp(tokens.access_token);
  if (typeof accessExp !== "number") return fail("access_token_malformed");

  const ask = (token: string) =>
    validateToken(token, {
      validateUrl: config.validateUrl,
      timeoutMs: deadline.remaining(config.validateTimeoutMs),
      ...fetchOption(step),
      ...(ctx.signValidate ? { sign: ctx.signValidate } : {}),
    });
  const [idOutcome, accessOutcome] = await timed(step, "validateMs", () =>
    Promise.all([ask(idToken), ask(tokens.access_token)]),
  );
  const verdict = judgeTokens(idOutcome, accessOutcome, {
    nonce: check.login.nonce,
    clientId: config.clientId,
  });
  if (verdict && "unavailable" in verdict)
    return {
      outcome: "unavailable",
      reason: verdict.unavailable,
      response: { kind: "unavailable", setCookies: check.clear },
    };
  if (verdict) return fail(verdict.refused);

  let setCookies: string[];
  try {
    const refresh = tokens.refresh_token ? { refresh: tokens.refresh_token } : {};
    const keys = config.mode === "cloudfront-function" ? config.sessionKeys : undefined;
    if (keys && accessOutcome.kind === "valid") {
      // Fast path: no access token in a cookie; the signed session cookie stands for it on page views.
      setCookies = [
        ...check.clear,
        ...sessionSetCookies(names, { id: idToken, ...refresh }, facts.cookies),
        mintSessionCookie(accessOutcome.claims, accessExp, tokens.refresh_token !== undefined, {
          names,
          key: keys.current,
          rules: ctx.rules,
          clientId: config.clientId,
          now: ctx.now,
        }),
      ];
    } else {
      const session = { access: tokens.access_token, id: idToken, ...refresh };
      setCookies = [...check.clear, ...sessionSetCookies(names, session, facts.cookies)];
    }
  } catch (error) {
    if (!(error instanceof SessionTooLargeError)) throw error;
    trace.detail = error.message;
    return fail("session_too_large");
  }
  // The first page load after this is then a cache hit: no second call for the same token.
  if (accessOutcome.kind === "valid")
    rememberValid(ctx.cache, tokens.access_token, accessOutcome, accessExp, {
      clientId: config.clientId,
      cacheMaxMs: config.validationCacheMaxSeconds * 1000,
      now: ctx.now,
    });
  return {
    outcome: "callback",
    reason: "signed_in",
    response: { kind: "redirect", location: check.login.returnTo, setCookies },
  };
}
