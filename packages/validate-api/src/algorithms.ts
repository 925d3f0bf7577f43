/**
 * The JWS algorithms this service can verify: asymmetric signatures only. `none` and the HMAC family
 * (HS256/384/512) are absent on purpose: with a public JWKS, an HMAC "key" would be public too (the classic
 * alg-confusion attack signs HS256 with the RSA public key as the secret).
 */
export const SUPPORTED_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const;

export type SupportedAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

/** The contract's default allow-list (`ALLOWED_ALGS`). */
export const DEFAULT_ALGORITHMS: readonly SupportedAlgorithm[] = ["RS256", "ES256", "PS256"];

export function isSupportedAlgorithm(value: unknown): value is SupportedAlgorithm {
  return typeof value === "string" && (SUPPORTED_ALGORITHMS as readonly string[]).includes(value);
}
