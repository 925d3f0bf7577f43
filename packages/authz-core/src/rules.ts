import { canonicalSegment, decisionPath } from "./canonical-path.js";
import { globMatch, globsOverlap } from "./glob.js";
import { RuleError } from "./rule-error.js";

// Its own module (the function bundle drops it, see session-check's build); still exported from here.
export { RuleError };

/** Roles every protected path needs, or path globs mapped to the roles they need (all listed, AND). */
export type RequiredRoles = string[] | Record<string, string[]>;

/** The rules as compiled once per config: globs in canonical form, folder globs as their index file. */
export interface AccessRules {
  publicPaths: readonly string[];
  /** Per-path roles; a path matching several rules needs every rule's roles. */
  roleRules: ReadonlyArray<{ glob: string; roles: readonly string[] }>;
  /** Roles every protected path needs (the list form of requiredRoles). */
  everywhere: readonly string[];
  /** The index document folder URLs are decided as (and, with the rewrite on, forwarded as). */
  indexDocument: string;
  /** Public and role globs some path matches both of: that path needs the roles. Logged at load. */
  overlaps: ReadonlyArray<{ publicGlob: string; roleGlob: string }>;
}

/** What a path needs, on its decision path: nothing, or a session with these roles. */
export type Needs = { kind: "public" } | { kind: "session"; roles: readonly string[] };

/**
 * A glob in the canonical form paths take (so `/st%61ff/*` and `/staff/*` are one rule), a folder glob
 * (`/x/`) as its index file (`/x/index.html`), since that is the object a folder URL serves. A glob that
 * could never match a canonical path (a dot segment, `//`, an encoded `/`) would be a rule that silently
 * holds for nothing: refused.
 */
export const canonicalGlob = (field: string, glob: string, indexDocument: string): string => {
  if (glob.charCodeAt(0) !== 47) throw new RuleError(field, `glob ${JSON.stringify(glob)} must start with /`);
  const segments = glob.split("/");
  const out: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    const raw = segments[i] as string;
    const last = i === segments.length - 1;
    if (raw === "" && !last)
      throw new RuleError(field, `glob ${JSON.stringify(glob)} has an empty segment (//)`);
    const result = canonicalSegment(raw, true);
    if (!result.ok)
      throw new RuleError(
        field,
        `glob ${JSON.stringify(glob)} cannot be matched against paths (${result.reason})`,
      );
    if (result.text === "." || result.text === "..")
      throw new RuleError(
        field,
        `glob ${JSON.stringify(glob)} has a dot segment; write the path it resolves to`,
      );
    out.push(result.text);
  }
  return decisionPath(`/${out.join("/")}`, indexDocument);
};

/** Compiles publicPaths and requiredRoles (already type-checked) once per config. Throws RuleError. */
export const compileRules = (input: {
  publicPaths: readonly string[];
  requiredRoles?: RequiredRoles | undefined;
  indexDocument: string;
}): AccessRules => {
  const indexDocument = input.indexDocument;
  const publicPaths = input.publicPaths.map((g, i) => canonicalGlob(`publicPaths[${i}]`, g, indexDocument));
  const required = input.requiredRoles;
  const everywhere = Array.isArray(required) ? required : [];
  const roleRules =
    required && !Array.isArray(required)
      ? Object.keys(required).map((glob) => ({
          glob: canonicalGlob(`requiredRoles["${glob}"]`, glob, indexDocument),
          roles: required[glob] as string[],
        }))
      : [];
  const overlaps: Array<{ publicGlob: string; roleGlob: string }> = [];
  for (let i = 0; i < publicPaths.length; i++)
    for (let k = 0; k < roleRules.length; k++) {
      const publicGlob = publicPaths[i] as string;
      const roleGlob = (roleRules[k] as { glob: string }).glob;
      if (globsOverlap(publicGlob, roleGlob)) overlaps.push({ publicGlob, roleGlob });
    }
  return { publicPaths, roleRules, everywhere, indexDocument, overlaps };
};

/**
 * What the decision path (see decisionPath) needs. Fails closed: a path under a public rule and a role
 * rule needs the roles (and a session); only a path under a public rule and no role rule is public.
 */
export const needsOf = (path: string, rules: Omit<AccessRules, "overlaps">): Needs => {
  let roles: string[] | undefined;
  rules.roleRules.forEach((rule) => {
    if (globMatch(rule.glob, path)) roles = (roles || []).concat(rule.roles);
  });
  if (roles) return { kind: "session", roles };
  return rules.publicPaths.some((glob) => globMatch(glob, path))
    ? { kind: "public" }
    : { kind: "session", roles: rules.everywhere };
};
