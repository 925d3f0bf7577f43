import type { Facts } from "./facts.js";

/**
 * Whether a request to the logout path may log the user out (a logout CSRF guard). A cross-site page can
 * make the browser GET any URL (an image, a link), so a logout must show that the site itself asked:
 * - GET/HEAD: Fetch Metadata `Sec-Fetch-Site: same-origin` (a link on the site) or `none` (typed, a
 *   bookmark). `same-site` is refused too: a sibling subdomain is another party.
 * - POST: from this origin, by `Sec-Fetch-Site: same-origin`, or by `Origin` where a browser sends no
 *   Fetch Metadata (they all send `Origin` on a POST).
 * Anything else (no headers at all included: fail closed) gets the confirmation page, never a logout.
 */
export function isLogoutAllowed(req: Pick<Facts, "method" | "header">, siteOrigin: string): boolean {
  const site = req.header("sec-fetch-site")?.trim().toLowerCase();
  const method = req.method.toUpperCase();
  if (method === "GET" || method === "HEAD") return site === "same-origin" || site === "none";
  if (method !== "POST") return false;
  if (site !== undefined) return site === "same-origin";
  return req.header("origin") === siteOrigin;
}
