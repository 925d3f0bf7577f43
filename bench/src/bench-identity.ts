import {
  createTestKey,
  type FakeIssuer,
  signToken,
  startFakeIssuer,
  type TestKey,
} from "@static-sso/testing";

/** The IdP side of the bench: one RS256 key (Keycloak's default), published by a fake issuer on loopback. */
export interface BenchIdentity {
  key: TestKey;
  issuer: FakeIssuer;
  clientId: string;
  /** A Keycloak-shaped access token for `alice` (realm role `staff`), valid for an hour; `n` makes it unique. */
  signUserToken(n?: number): Promise<string>;
  close(): Promise<void>;
}

export const BENCH_CLIENT_ID = "static-site";

export async function startBenchIdentity(): Promise<BenchIdentity> {
  const key = await createTestKey("RS256");
  const issuer = await startFakeIssuer([key.publicJwk]);
  const signUserToken = (n = 0) =>
    signToken(
      key,
      {
        iss: issuer.issuer,
        aud: BENCH_CLIENT_ID,
        azp: BENCH_CLIENT_ID,
        sub: "0b8f6a5e-7c1d-4d2a-9c3e-000000000001",
        typ: "Bearer",
        scope: "openid profile email",
        sid: `bench-session-${n}`,
        preferred_username: "alice",
        email: "alice@example.com",
        email_verified: true,
        realm_access: { roles: ["staff", "default-roles-demo"] },
      },
      { expiresInSeconds: 3600 },
    );
  return { key, issuer, clientId: BENCH_CLIENT_ID, signUserToken, close: () => issuer.close() };
}
