/**
 * The roles a Keycloak token grants: realm roles (`realm_access.roles`) and, when a client id is given,
 * that client's roles (`resource_access.<clientId>.roles`). Anything not shaped like that is ignored.
 */
export function rolesFromClaims(claims: Record<string, unknown>, clientId?: string): Set<string> {
  const roles = new Set<string>();
  const add = (holder: unknown) => {
    if (typeof holder !== "object" || holder === null) return;
    const list = (holder as { roles?: unknown }).roles;
    if (!Array.isArray(list)) return;
    for (const role of list) if (typeof role === "string" && role !== "") roles.add(role);
  };
  add(claims.realm_access);
  const resources = claims.resource_access;
  if (
    clientId !== undefined &&
    typeof resources === "object" &&
    resources !== null &&
    Object.hasOwn(resources, clientId)
  ) {
    add((resources as Record<string, unknown>)[clientId]);
  }
  return roles;
}
