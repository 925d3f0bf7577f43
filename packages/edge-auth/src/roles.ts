import { rolesFromClaims } from "@static-sso/shared";

/** Keycloak's roles in a token: realm roles and this client's (the shared reading, `rolesFromClaims`). */
export function rolesOf(claims: Record<string, unknown>, clientId: string): Set<string> {
  return rolesFromClaims(claims, clientId);
}
