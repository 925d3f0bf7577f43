/** Longest original path+query carried through the login (the state cookie must stay small). */
const MAX_RETURN_PATH = 1024;

/** Backslashes (browsers read them as slashes) and control characters (header splitting, stripped tabs). */
function hasUnsafeChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c) return true;
  }
  return false;
}

/**
 * A path on this site to send the browser back to after login, or `/`. Never an absolute or
 * protocol-relative URL: rejects `//host`, `/\host`, their percent-encoded forms, control characters and
 * anything that would resolve to another origin.
 */
export function safeReturnPath(candidate: string | undefined): string {
  if (!candidate || candidate.length > MAX_RETURN_PATH) return "/";
  if (!candidate.startsWith("/") || hasUnsafeChars(candidate)) return "/";
  let decoded = candidate;
  for (let i = 0; i < 3; i++) {
    try {
      const next = decodeURIComponent(decoded);
      if (next === decoded) break;
      decoded = next;
    } catch {
      return "/";
    }
  }
  if (/^\/[/\\]/.test(decoded) || hasUnsafeChars(decoded) || /^\/[/\\]/.test(candidate)) return "/";
  const base = "https://edge.invalid";
  try {
    if (new URL(candidate, base).origin !== base) return "/";
  } catch {
    return "/";
  }
  return candidate;
}

/** The path and query of the request, as the place to come back to after login. */
export function originalPath(uri: string, querystring: string): string {
  const withQuery = querystring ? `${uri}?${querystring}` : uri;
  return safeReturnPath(withQuery.length <= MAX_RETURN_PATH ? withQuery : uri);
}
