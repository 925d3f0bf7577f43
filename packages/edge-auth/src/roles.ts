import { compiledRequiredRoles } from "./compiled-globs.js";
import type { RequiredRoles } from "./config.js";

function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** Keycloak's roles in a token: realm roles (`realm_access.roles`) and this client's (`resource_access.<clientId>.roles`). */
export function rolesOf(claims: Record<string, unknown>, clientId: string): Set<string> {
  const roles = new Set<string>();
  const realm = claims.realm_access as { roles?: unknown } | undefined;
  for (const r of stringArray(realm?.roles)) roles.add(r);
  const resource = claims.resource_access as Record<string, { roles?: unknown } | undefined> | undefined;
  if (resource && typeof resource === "object" && Object.hasOwn(resource, clientId))
    for (const r of stringArray(resource[clientId]?.roles)) roles.add(r);
  return roles;
}

/** The roles a path needs: a plain list applies everywhere; with an object, every matching glob's roles. */
export function rolesRequiredFor(path: string, required: RequiredRoles | undefined): readonly string[] {
  if (!required) return [];
  if (Array.isArray(required)) return required;
  const out: string[] = [];
  for (const rule of compiledRequiredRoles(required)) if (rule.pattern.test(path)) out.push(...rule.roles);
  return out;
}

/**
 * The roles the path needs that the claims do not carry (empty: access granted). `have`, when given, is
 * `rolesOf(claims, clientId)` worked out before (the validation cache keeps it with the claims).
 */
export function missingRoles(
  path: string,
  claims: Record<string, unknown>,
  required: RequiredRoles | undefined,
  clientId: string,
  have: ReadonlySet<string> = rolesOf(claims, clientId),
): string[] {
  const needed = rolesRequiredFor(path, required);
  if (needed.length === 0) return [];
  return needed.filter((r) => !have.has(r));
}
