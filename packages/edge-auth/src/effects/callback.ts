import type { LoginState } from "../oidc/state.js";
import { decodeStateCookie, isWellFormedState } from "../oidc/state.js";
import { exchangeCode } from "../oidc/token-exchange.js";
import { TokenEndpointError } from "../oidc/token-request.js";
import { isUsableAccessToken } from "../session/access-token-use.js";
import { localExp, rememberValid } from "../session/check-session.js";
import { type CookieNames, clearCookieHeader, SessionTooLargeError } from "../session/cookies.js";
import type { ValidationOutcome } from "../validate-client.js";
import { askValidationApi, sessionCookies } from "./session.js";
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
  const { ctx, facts, trace } = step;
  const check = judgeCallback(facts.querystring, facts.cookies, ctx.names);
  const fail = (reason: string): Answer => ({
    outcome: "callback",
    reason,
    response: { kind: "login_failed", reason, setCookies: check.clear },
  });
  if (!check.ok) return fail(check.reason);

  const tokens = await exchange(step, check.code, check.login.verifier);
  if ("refused" in tokens) return fail(tokens.refused);
  const idToken = tokens.id_token;
  if (!idToken) return fail("id_token_missing");
  const accessExp = localExp(tokens.access_token);
  if (typeof accessExp !== "number") return fail("access_token_malformed");
  // Expired by this edge's clock (an IdP or clock that disagrees): the first page load would send the
  // browser round a refresh in a loop, so the sign-in ends here with its reason.
  if (accessExp * 1000 <= ctx.now()) return fail("access_token_expired_on_arrival");

  const [idOutcome, accessOutcome] = await timed(step, "validateMs", () =>
    Promise.all([askValidationApi(step, idToken), askValidationApi(step, tokens.access_token)]),
  );
  const verdict = judgeTokens(idOutcome, accessOutcome, {
    nonce: check.login.nonce,
    clientId: ctx.config.clientId,
  });
  if (verdict && "unavailable" in verdict) {
    const response = { kind: "unavailable", setCookies: check.clear } as const;
    return { outcome: "unavailable", reason: verdict.unavailable, response };
  }
  if (verdict || accessOutcome.kind !== "valid") return fail(verdict?.refused ?? "access_token_not_usable");

  let setCookies: string[];
  try {
    setCookies = [
      ...check.clear,
      ...sessionCookies(step, {
        accessToken: tokens.access_token,
        accessClaims: accessOutcome.claims,
        accessExp,
        idToken,
        refreshToken: tokens.refresh_token,
      }),
    ];
  } catch (error) {
    if (!(error instanceof SessionTooLargeError)) throw error;
    trace.detail = error.message;
    return fail("session_too_large");
  }
  // The first page load after this is then a cache hit: no second call for the same token.
  rememberValid(ctx.cache, tokens.access_token, accessOutcome, accessExp, {
    clientId: ctx.config.clientId,
    cacheMaxMs: ctx.config.validationCacheMaxSeconds * 1000,
    now: ctx.now,
  });
  const response = { kind: "redirect", location: check.login.returnTo, setCookies } as const;
  return { outcome: "callback", reason: "signed_in", response };
}

/** The code exchanged at the token endpoint (with the PKCE verifier), or the IdP's refusal. */
async function exchange(
  step: Step,
  code: string,
  verifier: string,
): Promise<Awaited<ReturnType<typeof exchangeCode>> | { refused: string }> {
  const { config } = step.ctx;
  const doc = await discovery(step);
  try {
    return await timed(step, "grantMs", () =>
      exchangeCode(
        doc.token_endpoint,
        { code, redirectUri: `${siteOrigin(step)}${config.callbackPath}`, verifier },
        config,
        { timeoutMs: step.deadline.remaining(config.idpTimeoutMs), ...fetchOption(step) },
      ),
    );
  } catch (error) {
    if (error instanceof TokenEndpointError) return { refused: `code_rejected_${error.oauthError}` };
    throw error;
  }
}
