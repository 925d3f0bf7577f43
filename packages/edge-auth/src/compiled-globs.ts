import type { RequiredRoles } from "./config.js";
import { globToRegExp } from "./paths.js";

// requiredRoles' globs are compiled once per config object (a container's config never changes), in a
// WeakMap keyed by the config's own object: nothing request-specific is kept. matchesAny (paths.ts) does
// the same for publicPaths.
const compiledRoles = new WeakMap<object, Array<{ pattern: RegExp; roles: readonly string[] }>>();

/** The per-path form of `requiredRoles`, its globs compiled once per config object. */
export function compiledRequiredRoles(
  required: Exclude<RequiredRoles, string[]>,
): ReadonlyArray<{ pattern: RegExp; roles: readonly string[] }> {
  let rules = compiledRoles.get(required);
  if (!rules) {
    rules = Object.entries(required).map(([glob, roles]) => ({ pattern: globToRegExp(glob), roles }));
    compiledRoles.set(required, rules);
  }
  return rules;
}
