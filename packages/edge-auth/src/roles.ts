import { rolesFromClaims } from "@static-sso/shared";
import { compiledRequiredRoles } from "./compiled-globs.js";
import type { RequiredRoles } from "./config.js";

/** Keycloak's roles in a token: realm roles and this client's (the shared reading, `rolesFromClaims`). */
export function rolesOf(claims: Record<string, unknown>, clientId: string): Set<string> {
  return rolesFromClaims(claims, clientId);
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
