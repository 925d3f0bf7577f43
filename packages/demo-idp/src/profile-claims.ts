import type { RealmUser } from "./load-realm.js";

/** What Keycloak's `profile` and `email` scopes say about a user (ID token, access token, userinfo). */
export function profileClaims(sub: string, user: RealmUser) {
  return {
    sub,
    preferred_username: user.username,
    email: user.email,
    email_verified: true,
    name: [user.firstName, user.lastName].filter(Boolean).join(" ") || user.username,
    given_name: user.firstName,
    family_name: user.lastName,
  };
}

/** The claims each scope releases, as oidc-provider's `claims` configuration and our userinfo use them. */
export const SCOPE_CLAIMS = {
  profile: ["preferred_username", "name", "given_name", "family_name"],
  email: ["email", "email_verified"],
} as const;
