/**
 * Whether validated claims are fit to be a session's access token here. The validation API checks
 * signature, issuer, audience and expiry, but not which client the token was issued to nor what kind of
 * token it is; that is the caller's judgement:
 * - `azp` (authorized party), when present, must be this client: a token the IdP issued to another client
 *   of the realm, with this site in its `aud`, does not open the site.
 * - Keycloak's `typ` claim, when present, must be `Bearer`: an ID token (`typ: "ID"`), which travels
 *   further (the logout URL carries one), is not a session. IdPs without `typ` (oidc-provider, the demo
 *   IdP) are told apart by the claims only ID tokens carry: `nonce` (this function always sends one)
 *   and `at_hash`.
 */
export function isUsableAccessToken(claims: Record<string, unknown>, clientId: string): boolean {
  if (claims.azp !== undefined && claims.azp !== clientId) return false;
  if (claims.typ !== undefined && (typeof claims.typ !== "string" || claims.typ.toLowerCase() !== "bearer"))
    return false;
  if (claims.typ === undefined && (claims.nonce !== undefined || claims.at_hash !== undefined)) return false;
  return true;
}
