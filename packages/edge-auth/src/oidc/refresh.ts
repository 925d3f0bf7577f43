import { type ClientCredentials, postTokenRequest, type TokenResponse } from "./token-request.js";

/** Refresh token grant. The IdP may rotate the refresh token; when it does not, keep using the old one. */
export async function refreshTokens(
  tokenEndpoint: string,
  refreshToken: string,
  client: ClientCredentials,
  options: { timeoutMs: number; fetch?: typeof fetch },
): Promise<TokenResponse & { refresh_token: string }> {
  const tokens = await postTokenRequest(
    tokenEndpoint,
    { grant_type: "refresh_token", refresh_token: refreshToken },
    client,
    options,
  );
  return { ...tokens, refresh_token: tokens.refresh_token ?? refreshToken };
}
