import { posix } from "node:path";

/**
 * Path globs with CloudFront's path-pattern semantics: `*` matches any run of characters, `/` included,
 * and `?` exactly one. Written by hand: the whole matcher is a few lines, and a glob library (picomatch,
 * minimatch) would add file-system semantics (`*` stopping at `/`, dotfiles, braces) that a reader of a
 * CloudFront config would not expect, and kilobytes to the edge bundle.
 */
export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (const ch of glob) {
    if (ch === "*") source += ".*";
    else if (ch === "?") source += ".";
    else source += ch.replace(/[\\^$.|+()[\]{}]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
}

// Each globs array is compiled once, the first time a request needs it, and kept while the array lives
// (a container's config never changes); a WeakMap, so nothing outlives the config it came from.
const compiledLists = new WeakMap<readonly string[], RegExp[]>();

export function matchesAny(path: string, globs: readonly string[]): boolean {
  let patterns = compiledLists.get(globs);
  if (!patterns) {
    patterns = globs.map(globToRegExp);
    compiledLists.set(globs, patterns);
  }
  for (const pattern of patterns) if (pattern.test(path)) return true;
  return false;
}

/**
 * The path the origin will end up serving, for access decisions. Percent-decoding is repeated until no
 * escape is left (so `%252F` cannot hide a slash from us but not from a decoding origin), then backslashes
 * become slashes and dot segments and repeated slashes are resolved, in that order: resolving before
 * decoding let `/public/..%2Fstaff/` pass as public. A decoded `?`, `#` or control character has no
 * business in a path and would make us and the origin see different paths: `undefined`, and callers deny.
 */
export function normalizePath(uri: string): string | undefined {
  if (uri.includes("?") || uri.includes("#")) return undefined;
  let decoded = uri;
  for (let i = 0; /%[0-9a-f]{2}/i.test(decoded); i++) {
    if (i === 4) return undefined;
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      return undefined;
    }
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
  if (/[?#\u0000-\u001f\u007f]/.test(decoded)) return undefined;
  return posix.normalize(`/${decoded.replace(/\\/g, "/")}`);
}
