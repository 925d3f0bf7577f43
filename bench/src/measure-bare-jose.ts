import { jwtVerify } from "jose";
import type { BenchIdentity } from "./bench-identity.js";
import { type LoopOptions, type LoopResult, measureLoop } from "./children/measure-loop.mjs";

/**
 * The limit for any verifier: jose's `jwtVerify` with the public key already imported and the same checks
 * (algorithm, issuer, audience, expiry) our validator makes, on the same token, nothing else.
 */
export function bareJoseLoop(
  identity: BenchIdentity,
  token: string,
): (loop: LoopOptions) => Promise<LoopResult> {
  const options = {
    issuer: identity.issuer.issuer,
    audience: identity.clientId,
    algorithms: ["RS256"],
    clockTolerance: 30,
  };
  return (loop) =>
    measureLoop(async () => {
      await jwtVerify(token, identity.key.publicKey, options);
    }, loop);
}
