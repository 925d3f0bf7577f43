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

export function matchesAny(path: string, globs: readonly string[]): boolean {
  return globs.some((g) => globToRegExp(g).test(path));
}

/**
 * The path the origin will end up serving, for access decisions: percent-decoded, dot segments resolved,
 * repeated slashes collapsed, backslashes as slashes (as WHATWG URL parsing does). Repeats until stable so
 * `/public/..%2Fstaff/` cannot pass as public. `undefined` when the path cannot be decoded: callers deny.
 */
export function normalizePath(uri: string): string | undefined {
  let current = uri;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      // Leading slashes collapsed first: `//staff/x` must not parse as a host named "staff".
      const rooted = `/${current.replace(/^[/\\]+/, "")}`;
      const resolved = new URL(rooted, "https://edge.invalid").pathname;
      next = decodeURIComponent(resolved)
        .replace(/\\/g, "/")
        .replace(/\/{2,}/g, "/");
    } catch {
      return undefined;
    }
    if (next === current) return next;
    current = next;
  }
  return undefined;
}
