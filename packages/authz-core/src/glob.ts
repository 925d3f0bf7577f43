/**
 * Path globs with CloudFront's path-pattern semantics: `*` matches any run of characters, `/` included,
 * and `?` exactly one character. Matched by hand, in two pointers with one backtrack point (the last `*`
 * seen): a later `*` can absorb whatever an earlier one would have, so no earlier choice is ever revisited,
 * and a match costs at most O(path × glob) steps, linear in the path for a given rule. A RegExp built from
 * the config would backtrack (`/a/*\/*\/*.js` against a long path runs for minutes), and a glob library
 * brings file-system semantics (`*` stopping at `/`, dotfiles, braces) a CloudFront user would not expect.
 */
export const globMatch = (glob: string, path: string): boolean => {
  let g = 0;
  let p = 0;
  let star = -1;
  let starP = 0;
  while (p < path.length) {
    const c = glob.charCodeAt(g);
    if (c === 42 /* * */) {
      star = g++;
      starP = p;
    } else if (g < glob.length && (c === 63 /* ? */ || c === path.charCodeAt(p))) {
      g++;
      p++;
    } else if (star >= 0) {
      g = star + 1;
      p = ++starP;
    } else {
      return false;
    }
  }
  while (glob.charCodeAt(g) === 42) g++;
  return g === glob.length;
};

/**
 * Whether some path matches both globs: a walk over pairs of positions (one per glob), so at most
 * (|a| + 1) × (|b| + 1) states. Used once, at config load, to find a public rule and a role rule that
 * overlap.
 */
export const globsOverlap = (a: string, b: string): boolean => {
  const width = b.length + 1;
  const seen = new Uint8Array((a.length + 1) * width);
  const stack: number[] = [0];
  seen[0] = 1;
  const push = (i: number, j: number) => {
    const k = i * width + j;
    if (!seen[k]) {
      seen[k] = 1;
      stack.push(k);
    }
  };
  while (stack.length > 0) {
    const k = stack.pop() as number;
    const i = Math.floor(k / width);
    const j = k % width;
    if (i === a.length && j === b.length) return true;
    const x = a[i];
    const y = b[j];
    // A `*` may match nothing: step over it.
    if (x === "*") push(i + 1, j);
    if (y === "*") push(i, j + 1);
    if (x === undefined || y === undefined) continue;
    // Both consume one character that each can match: a `*` stays, a `?` or a literal moves on.
    if (x !== "*" && x !== "?" && y !== "*" && y !== "?" && x !== y) continue;
    push(x === "*" ? i : i + 1, y === "*" ? j : j + 1);
  }
  return false;
};
