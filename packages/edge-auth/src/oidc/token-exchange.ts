import { type ClientCredentials, postTokenRequest, type TokenResponse } from "./token-request.js";

/** Authorization code grant with PKCE (the verifier is always sent, with or without a client secret). */
export function exchangeCode(
  tokenEndpoint: string,
  input: { code: string; redirectUri: string; verifier: string },
  client: ClientCredentials,
  options: { timeoutMs: number; fetch?: typeof fetch },
): Promise<TokenResponse> {
  return postTokenRequest(
    tokenEndpoint,
    {
      grant_type: "authorization_code",
      code: input.code,
      redirect_uri: input.redirectUri,
      code_verifier: input.verifier,
    },
    client,
    options,
  );
}
