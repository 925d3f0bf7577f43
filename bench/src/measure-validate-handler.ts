import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { validateApiEvent } from "./api-gateway-event.js";
import type { BenchIdentity } from "./bench-identity.js";
import type { LoopOptions, LoopResult } from "./children/measure-loop.mjs";
import { lambdaNodeFlags } from "./lambda-node-flags.js";
import { measurePaired } from "./measure-paired.js";
import { CHILDREN_DIR, distDir } from "./paths.js";
import { childEnv, runChild } from "./run-child.js";

/** The validation API's default memory (the Terraform module's `memory_size`). */
const VALIDATE_API_MEMORY_MB = 256;

export interface ValidateHandlerResult {
  /** The handler's and bare jose's loops in the round whose p50 ratio is the median one. */
  handler: LoopResult;
  bareJose: LoopResult;
  /** Bare's p50 over the handler's (median of alternating rounds; the target's measure), and each round's. */
  vsBare: number;
  vsBareRounds: number[];
  /** The handler's calls/s over bare's, median of the rounds. */
  throughputVsBare: number;
  throughputVsBareRounds: number[];
  /** The highest peak RSS of the handler's processes. */
  maxRssMb: number;
}

interface ChildResult {
  loop: LoopResult;
  maxRssMb: number;
}

/**
 * The validation API's Lambda handler as deployed against bare jose.jwtVerify: each loop in a fresh child
 * with the same heap flags, the two taking turns (measurePaired), so the ratio holds on a busy machine.
 */
export async function measureValidateHandler(
  identity: BenchIdentity,
  token: string,
  loop: LoopOptions,
  rounds: number,
  workDir: string,
): Promise<ValidateHandlerResult> {
  const common = {
    loop,
    token,
    bundleDir: distDir("validate-api"),
    event: validateApiEvent(token),
    env: { ISSUER: identity.issuer.issuer, AUDIENCE: identity.clientId, JWKS_URI: identity.issuer.jwksUri },
    publicJwk: identity.key.publicJwk,
    // What bareJoseLoop checks: the same algorithm, issuer, audience and expiry as the validator.
    verify: {
      issuer: identity.issuer.issuer,
      audience: identity.clientId,
      algorithms: ["RS256"],
      clockTolerance: 30,
    },
  };
  let maxRssMb = 0;
  const run = async (mode: "handler" | "bare") => {
    const jobFile = join(workDir, `validate-handler-${mode}.json`);
    writeFileSync(jobFile, JSON.stringify({ ...common, mode }));
    const { result } = await runChild<ChildResult>(
      [...lambdaNodeFlags(VALIDATE_API_MEMORY_MB), join(CHILDREN_DIR, "validate-handler-child.mjs"), jobFile],
      { env: childEnv({ AWS_REGION: "eu-west-1" }) },
    );
    if (!result) throw new Error(`the validate-handler child (${mode}) wrote no result`);
    if (mode === "handler") maxRssMb = Math.max(maxRssMb, result.maxRssMb);
    return result.loop;
  };
  const paired = await measurePaired(
    () => run("handler"),
    () => run("bare"),
    rounds,
  );
  return {
    handler: paired.ours,
    bareJose: paired.baseline,
    vsBare: paired.p50Ratio,
    vsBareRounds: paired.p50Ratios,
    throughputVsBare: paired.throughputRatio,
    throughputVsBareRounds: paired.throughputRatios,
    maxRssMb,
  };
}
