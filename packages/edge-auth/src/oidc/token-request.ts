import { fetchJson, SsoError, UpstreamError } from "@static-sso/shared";

/** The token endpoint said no (RFC 6749 §5.2 error such as `invalid_grant`): the user's problem, not an outage. */
export class TokenEndpointError extends SsoError {
  readonly oauthError: string;
  constructor(oauthError: string, status: number) {
    super("token_endpoint_rejected", `token endpoint answered ${status} ${oauthError}`);
    this.oauthError = oauthError;
  }
}

export interface TokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  expires_in?: number;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret?: string;
}

/** RFC 6749 §2.3.1: client_secret_basic takes the form-urlencoded id and secret. */
function basicAuth(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString("base64")}`;
}

/**
 * POST a grant to the token endpoint, authenticating with client_secret_basic when there is a secret and
 * as a public client (`client_id` in the body) otherwise. 4xx with an OAuth error: TokenEndpointError;
 * no answer in time, 5xx or garbage: UpstreamError.
 */
export async function postTokenRequest(
  tokenEndpoint: string,
  params: Record<string, string>,
  client: ClientCredentials,
  options: { timeoutMs: number; fetch?: typeof fetch },
): Promise<TokenResponse> {
  if (options.timeoutMs <= 0) throw new UpstreamError("token-endpoint", "no time left in the request budget");
  const form = new URLSearchParams(params);
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  if (client.clientSecret) headers.authorization = basicAuth(client.clientId, client.clientSecret);
  else form.set("client_id", client.clientId);
  const { status, body } = await fetchJson<Record<string, unknown> | null>(tokenEndpoint, {
    upstream: "token-endpoint",
    timeoutMs: options.timeoutMs,
    maxBytes: 64 * 1024,
    init: { method: "POST", headers, body: form.toString() },
    fetch: options.fetch,
  });
  if (status >= 400 && status < 500 && body && typeof body.error === "string")
    throw new TokenEndpointError(body.error.replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 64), status);
  if (status !== 200 || !body || typeof body.access_token !== "string" || body.access_token === "")
    throw new UpstreamError("token-endpoint", `answered ${status} without an access token`);
  const out: TokenResponse = { access_token: body.access_token };
  if (typeof body.id_token === "string" && body.id_token) out.id_token = body.id_token;
  if (typeof body.refresh_token === "string" && body.refresh_token) out.refresh_token = body.refresh_token;
  if (typeof body.expires_in === "number") out.expires_in = body.expires_in;
  return out;
}
