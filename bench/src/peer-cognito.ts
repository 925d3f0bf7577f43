import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { browserPageLoadEvent, createTestKey, signToken } from "@static-sso/testing";
import type { LoopOptions, LoopResult } from "./children/measure-loop.mjs";
import { lambdaNodeFlags } from "./lambda-node-flags.js";
import { CHILDREN_DIR } from "./paths.js";
import { runChild } from "./run-child.js";

export interface PeerRun {
  /** cognito-at-edge, valid ID token, JWKS preloaded: the peer's best case. */
  valid: LoopResult;
  maxRssMb: number;
}

export interface PeerRunner {
  /** One fresh child process, one warm loop. */
  run(loop: LoopOptions): Promise<PeerRun>;
}

const REGION = "us-east-1";
const USER_POOL_ID = "us-east-1_BenchPool1";
const CLIENT_ID = "4benchclientid0000000000aa";
const USERNAME = "alice";

/**
 * The peer, awslabs' cognito-at-edge, set up as its README shows. It reads the ID token from
 * `CognitoIdentityServiceProvider.<clientId>.<user>.idToken` (as Amplify sets it) and verifies it with
 * aws-jwt-verify against the user pool's issuer, `https://cognito-idp.<region>.amazonaws.com/<poolId>`.
 * The token is what Cognito would issue for that pool, signed with a key generated now whose JWK the
 * peer gets up front (aws-jwt-verify's `cacheJwks`), so it never touches the network.
 */
export async function preparePeer(workDir: string): Promise<PeerRunner> {
  const key = await createTestKey("RS256");
  const issuer = `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`;
  const idToken = await signToken(
    key,
    {
      iss: issuer,
      aud: CLIENT_ID,
      sub: "8c2f0a3e-0000-4000-8000-000000000001",
      token_use: "id",
      auth_time: Math.floor(Date.now() / 1000),
      "cognito:username": USERNAME,
      "cognito:groups": ["staff"],
      email: "alice@example.com",
      email_verified: true,
    },
    { expiresInSeconds: 3600 },
  );
  const base = `CognitoIdentityServiceProvider.${CLIENT_ID}`;
  const cookie = [
    `${base}.LastAuthUser=${USERNAME}`,
    `${base}.${USERNAME}.idToken=${idToken}`,
    `${base}.${USERNAME}.tokenScopesString=openid%20email%20profile`,
  ].join("; ");
  const job = {
    region: REGION,
    userPoolId: USER_POOL_ID,
    clientId: CLIENT_ID,
    userPoolDomain: `bench.auth.${REGION}.amazoncognito.com`,
    jwks: { keys: [key.publicJwk] },
    event: browserPageLoadEvent({ uri: "/docs/index.html", cookie }),
  };
  const jobFile = join(workDir, "peer-job.json");
  return {
    async run(loop) {
      writeFileSync(jobFile, JSON.stringify({ ...job, loop }));
      const { result } = await runChild<PeerRun>([
        ...lambdaNodeFlags(),
        join(CHILDREN_DIR, "peer-child.mjs"),
        jobFile,
      ]);
      if (!result) throw new Error("the peer's child wrote no result");
      return result;
    },
  };
}
