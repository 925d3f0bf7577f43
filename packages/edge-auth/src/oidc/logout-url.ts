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

/** RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2). */
export function buildLogoutUrl(
  endSessionEndpoint: string,
  input: { idTokenHint?: string; clientId: string; postLogoutRedirectUri: string },
): string {
  const url = new URL(endSessionEndpoint);
  if (input.idTokenHint) url.searchParams.set("id_token_hint", input.idTokenHint);
  url.searchParams.set("client_id", input.clientId);
  url.searchParams.set("post_logout_redirect_uri", input.postLogoutRedirectUri);
  return url.toString();
}
