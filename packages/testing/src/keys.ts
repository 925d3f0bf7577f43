import { randomUUID } from "node:crypto";
import {
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  SignJWT,
} from "jose";

type KeyLike = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

export type TestAlg = "RS256" | "PS256" | "ES256";

export interface TestKey {
  alg: TestAlg;
  kid: string;
  privateKey: KeyLike;
  publicKey: KeyLike;
  /** The public JWK as an IdP publishes it (with kid, alg and use). */
  publicJwk: JWK;
}

/** A real, freshly generated key pair; extractable so tests can also export it. */
export async function createTestKey(alg: TestAlg = "RS256", kid: string = randomUUID()): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { alg, kid, privateKey, publicKey, publicJwk };
}

export interface SignOptions {
  /** Header fields to add or override (set `kid: undefined` to leave it out). */
  header?: Partial<JWTHeaderParameters> & Record<string, unknown>;
  /** Seconds since the epoch that `iat`/`exp` are counted from; defaults to now. */
  now?: number;
  expiresInSeconds?: number;
}

/** Signs claims with the key; iat and exp are set unless the claims carry their own. */
export async function signToken(
  key: TestKey,
  claims: JWTPayload,
  options: SignOptions = {},
): Promise<string> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const header = { alg: key.alg, kid: key.kid, typ: "JWT", ...options.header } as JWTHeaderParameters;
  if (options.header && "kid" in options.header && options.header.kid === undefined) delete header.kid;
  return new SignJWT({ iat: now, exp: now + (options.expiresInSeconds ?? 300), ...claims })
    .setProtectedHeader(header)
    .sign(key.privateKey);
}
