import { buildLogoutUrl, postLogoutRedirectUri } from "../oidc/logout-url.js";
import { clearAllCookies, readChunked } from "../session/cookies.js";
import { type Answer, discovery, type Step, siteOrigin } from "./step.js";

/**
 * RP-initiated logout: every cookie of this function expired, then the IdP's end-session endpoint (with
 * `id_token_hint` when the ID token is still held) so the IdP's own session ends too, and back to the
 * site. Without an end-session endpoint, straight back to the site.
 */
export async function logout(step: Step): Promise<Answer> {
  const { config, names } = step.ctx;
  const cookies = step.facts.cookies;
  const clear = clearAllCookies(names, cookies);
  const idToken = readChunked(cookies, names.session.id);
  const after = postLogoutRedirectUri(siteOrigin(step), config);
  let doc: Awaited<ReturnType<typeof discovery>>;
  try {
    doc = await discovery(step);
  } catch {
    const response = { kind: "unavailable", setCookies: clear } as const;
    return { outcome: "unavailable", reason: "discovery_unavailable", response };
  }
  const location = doc.end_session_endpoint
    ? buildLogoutUrl(doc.end_session_endpoint, {
        clientId: config.clientId,
        postLogoutRedirectUri: after,
        idTokenHint: idToken,
      })
    : after;
  return { outcome: "logout", reason: "logout", response: { kind: "redirect", location, setCookies: clear } };
}
