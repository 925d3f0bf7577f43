import type { EdgeConfig } from "../config.js";

/**
 * Where the browser goes after logout: the configured `postLogoutRedirectUri` (a path, or a URL on this
 * same host), else the site's root. A configured URL on another host is not used: no open redirect.
 */
export function postLogoutRedirectUri(
  siteOrigin: string,
  config: Pick<EdgeConfig, "postLogoutRedirectUri">,
): string {
  const configured = config.postLogoutRedirectUri;
  const fallback = `${siteOrigin}/`;
  if (!configured) return fallback;
  if (configured.startsWith("/") && !/^\/[/\\]/.test(configured)) return `${siteOrigin}${configured}`;
  try {
    const url = new URL(configured);
    return url.host === new URL(siteOrigin).host ? url.toString() : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Longest logout URL sent with an `id_token_hint`. Keycloak's HTTP server (Vert.x) refuses a request line
 * over 4096 bytes by default; a longer one would strand the user on an error page at the IdP.
 */
export const MAX_LOGOUT_URL_LENGTH = 4000;

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2). The hint is left out when it would
 * make the URL too long: the IdP then asks the user to confirm instead of failing.
 */
export function buildLogoutUrl(
  endSessionEndpoint: string,
  input: { idTokenHint?: string; clientId: string; postLogoutRedirectUri: string },
): string {
  const build = (hint: string | undefined) => {
    const url = new URL(endSessionEndpoint);
    if (hint) url.searchParams.set("id_token_hint", hint);
    url.searchParams.set("client_id", input.clientId);
    url.searchParams.set("post_logout_redirect_uri", input.postLogoutRedirectUri);
    return url.toString();
  };
  const withHint = build(input.idTokenHint);
  return withHint.length <= MAX_LOGOUT_URL_LENGTH ? withHint : build(undefined);
}
