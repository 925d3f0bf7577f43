import { UpstreamError } from "./errors.js";
import { fetchJson } from "./fetch-json.js";
import { isHttpsUrl } from "./https-url.js";

/** The fields of an OpenID Provider's discovery document that this project uses. */
export interface DiscoveryDocument {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
  userinfo_endpoint?: string;
}

const REQUIRED = ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"] as const;
/** Endpoints we call or send the browser to: each must be an https URL (http on loopback), when present. */
const ENDPOINTS = [
  "authorization_endpoint",
  "token_endpoint",
  "jwks_uri",
  "end_session_endpoint",
  "userinfo_endpoint",
] as const;

export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

/**
 * Fetches and checks the issuer's discovery document. The document's `issuer` must equal the configured
 * one (OpenID Connect Discovery 1.0, section 4.3), so a misrouted URL cannot hand us another IdP's keys.
 */
export async function fetchDiscovery(
  issuer: string,
  options: { timeoutMs: number; fetch?: typeof fetch },
): Promise<DiscoveryDocument> {
  const { status, body } = await fetchJson<unknown>(discoveryUrl(issuer), {
    upstream: "discovery",
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
  });
  if (status !== 200) throw new UpstreamError("discovery", `answered ${status}`);
  // Answering garbage (`null`, a list, a bad URL) is an IdP fault like any other: an UpstreamError, never
  // a TypeError later on, so callers fail closed the same way.
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new UpstreamError("discovery", "document is not a JSON object");
  const doc = body as Record<string, unknown>;
  for (const field of REQUIRED) {
    if (typeof doc[field] !== "string") throw new UpstreamError("discovery", `document has no ${field}`);
  }
  for (const field of ENDPOINTS) {
    if (doc[field] !== undefined && !isHttpsUrl(doc[field]))
      throw new UpstreamError("discovery", `document's ${field} is not an https URL`);
  }
  if (doc.issuer !== issuer) {
    throw new UpstreamError("discovery", `document names issuer ${String(doc.issuer)}, expected ${issuer}`);
  }
  return doc as unknown as DiscoveryDocument;
}
