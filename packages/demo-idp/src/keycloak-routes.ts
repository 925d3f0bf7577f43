/** Keycloak's endpoint paths under a realm (`/realms/<name>`), as oidc-provider `routes`. */
export const KEYCLOAK_ROUTES = {
  authorization: "/protocol/openid-connect/auth",
  token: "/protocol/openid-connect/token",
  jwks: "/protocol/openid-connect/certs",
  end_session: "/protocol/openid-connect/logout",
  userinfo: "/protocol/openid-connect/userinfo",
  revocation: "/protocol/openid-connect/revoke",
  introspection: "/protocol/openid-connect/token/introspect",
} as const;

/** Where the login form lives (our own pages, outside oidc-provider), under the realm path. */
export const LOGIN_ACTIONS_PATH = "/login-actions";

/** Turns a valid RP-initiated logout into a redirect (see create-provider.ts). */
export const LOGOUT_AUTO_CONFIRM_PATH = `${KEYCLOAK_ROUTES.end_session}/auto`;
