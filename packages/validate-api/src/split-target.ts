/**
 * Path and query of a request target, without `new URL` (which throws on `//` and on some absolute
 * targets): origin-form `/path?query` as it comes, absolute-form `http://host/path?query` reduced to its
 * path and query, anything else (`*`, garbage) kept as the path, which routes nowhere (404).
 */
export function splitTarget(target: string): { path: string; query: string } {
  let rest = target;
  if (!rest.startsWith("/")) {
    const scheme = rest.indexOf("://");
    if (scheme > 0) {
      let end = scheme + 3;
      while (end < rest.length && rest[end] !== "/" && rest[end] !== "?") end++;
      rest = end === rest.length ? "/" : rest[end] === "?" ? `/${rest.slice(end)}` : rest.slice(end);
    }
  }
  const hash = rest.indexOf("#");
  if (hash !== -1) rest = rest.slice(0, hash);
  const q = rest.indexOf("?");
  const path = q === -1 ? rest : rest.slice(0, q);
  return { path: path === "" ? "/" : path, query: q === -1 ? "" : rest.slice(q + 1) };
}
