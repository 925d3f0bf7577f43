import { UpstreamError } from "./errors.js";
import { fetchJson } from "./fetch-json.js";

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
  const { status, body } = await fetchJson<Record<string, unknown>>(discoveryUrl(issuer), {
    upstream: "discovery",
    timeoutMs: options.timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (status !== 200) throw new UpstreamError("discovery", `answered ${status}`);
  for (const field of REQUIRED) {
    if (typeof body[field] !== "string") throw new UpstreamError("discovery", `document has no ${field}`);
  }
  if (body.issuer !== issuer) {
    throw new UpstreamError("discovery", `document names issuer ${String(body.issuer)}, expected ${issuer}`);
  }
  return body as unknown as DiscoveryDocument;
}
