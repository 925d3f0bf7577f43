import { jwtVerify } from "jose";
import type { BenchIdentity } from "./bench-identity.js";
import { type LoopResult, measureLoop } from "./children/measure-loop.mjs";
import type { Scale } from "./scale.js";

/**
 * The limit for any verifier: jose's `jwtVerify` with the public key already imported and the same checks
 * (algorithm, issuer, audience, expiry) our validator makes, on the same token, nothing else.
 */
export async function measureBareJose(
  identity: BenchIdentity,
  token: string,
  scale: Scale,
): Promise<LoopResult> {
  const options = {
    issuer: identity.issuer.issuer,
    audience: identity.clientId,
    algorithms: ["RS256"],
    clockTolerance: 30,
  };
  return measureLoop(async () => {
    await jwtVerify(token, identity.key.publicKey, options);
  }, scale);
}
