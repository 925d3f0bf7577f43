import type { RequiredRoles } from "./config.js";
import { globToRegExp } from "./paths.js";

// A config's globs are compiled once, the first time a request needs them, and kept as long as the config
// object lives (a container's config never changes). Weak maps keyed by the config's own arrays and objects:
// nothing request-specific is kept, and a config that is gone takes its compiled globs with it.
const compiledLists = new WeakMap<readonly string[], RegExp[]>();
const compiledRoles = new WeakMap<object, Array<{ pattern: RegExp; roles: readonly string[] }>>();

/** `matchesAny(path, globs)` with each glob compiled once per globs array. */
export function matchesAnyCompiled(path: string, globs: readonly string[]): boolean {
  let patterns = compiledLists.get(globs);
  if (!patterns) {
    patterns = globs.map(globToRegExp);
    compiledLists.set(globs, patterns);
  }
  for (const pattern of patterns) if (pattern.test(path)) return true;
  return false;
}

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
