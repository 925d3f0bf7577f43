import { createHash, randomBytes } from "node:crypto";

/** A minimal cookie jar for one host: enough to carry oidc-provider's session and interaction cookies. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /expires=Thu, 01 Jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** fetch without following redirects, with the jar's cookies sent and stored. */
export async function send(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header();
  if (cookie) headers.set("cookie", cookie);
  const res = await fetch(url, { ...init, headers, redirect: "manual" });
  jar.store(res);
  return res;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function formAction(html: string): string {
  const m = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error("no form on the page");
  return m[1].replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
}

/** Follows redirects by hand (keeping cookies) until one goes to `stopAt`; returns that URL. */
export async function followUntil(
  jar: CookieJar,
  start: Response,
  base: string,
  stopAt: string,
): Promise<URL> {
  let res = start;
  for (let hops = 0; hops < 10; hops++) {
    const location = res.headers.get("location");
    if (!location) throw new Error(`expected a redirect, got ${res.status}: ${await res.text()}`);
    const next = new URL(location, base);
    if (next.href.startsWith(stopAt)) return next;
    res = await send(jar, next.href);
  }
  throw new Error("too many redirects");
}

/** The confidential client as the IdP knows it. */
export interface TokenClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export const basicAuth = (client: TokenClient): string =>
  `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64")}`;

/**
 * POSTs a form to the token endpoint, the client authenticated with `client_secret_basic` (or, with
 * `post`, `client_secret_post`: its id and secret at the end of the form).
 */
export function tokenRequest(
  client: TokenClient,
  params: Record<string, string>,
  clientAuth: "basic" | "post" = "basic",
): Promise<Response> {
  const form = new URLSearchParams(params);
  const headers: Record<string, string> = {};
  if (clientAuth === "basic") headers.authorization = basicAuth(client);
  else {
    form.set("client_id", client.clientId);
    form.set("client_secret", client.clientSecret);
  }
  headers["content-type"] = "application/x-www-form-urlencoded";
  return fetch(`${client.issuer}/protocol/openid-connect/token`, {
    method: "POST",
    headers,
    body: form.toString(),
  });
}
