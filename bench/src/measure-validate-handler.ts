import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { validateApiEvent } from "./api-gateway-event.js";
import type { BenchIdentity } from "./bench-identity.js";
import type { LoopOptions, LoopResult } from "./children/measure-loop.mjs";
import { lambdaNodeFlags } from "./lambda-node-flags.js";
import { median, medianIndex } from "./median.js";
import { CHILDREN_DIR, distDir } from "./paths.js";
import { childEnv, runChild } from "./run-child.js";

/** The validation API's default memory (the Terraform module's `memory_size`). */
const VALIDATE_API_MEMORY_MB = 256;
/** Distinct tokens both sides verify, in the same order: one key's tokens, as a warm container sees. */
export const HANDLER_BENCH_TOKENS = 16;

export interface ValidateHandlerResult {
  /** The handler's and bare jose's loops in the round whose p50 ratio is the median one. */
  handler: LoopResult;
  bareJose: LoopResult;
  /** Bare's p50 over the handler's, per round, and their median (the target's measure). */
  vsBare: number;
  vsBareRounds: number[];
  /** The handler's calls/s over bare's (each side's calls back to back), per round, and their median. */
  throughputVsBare: number;
  throughputVsBareRounds: number[];
  /** The process's peak RSS (the handler's, plus bare jose's few objects beside it). */
  maxRssMb: number;
}

interface ChildResult {
  rounds: Array<{ handler: LoopResult; bare: LoopResult }>;
  maxRssMb: number;
}

/**
 * The validation API's Lambda handler as deployed against bare jose.jwtVerify: both in one fresh
 * process with the API's heap flags, called turn about, call by call (children/measure-interleaved.mjs),
 * on the same tokens; `rounds` rounds, each side about `loop.loopMs` of calls in each. The ratio is the
 * median of the rounds' p50 ratios.
 */
export async function measureValidateHandler(
  identity: BenchIdentity,
  token: string,
  loop: LoopOptions,
  rounds: number,
  workDir: string,
): Promise<ValidateHandlerResult> {
  const tokens = [token];
  for (let n = 1; tokens.length < HANDLER_BENCH_TOKENS; n++)
    tokens.push(await identity.signUserToken(1_000_000 + n));
  const job = {
    tokens,
    options: {
      warmupMs: loop.warmupMs,
      rounds,
      roundMs: 2 * loop.loopMs,
      maxIterations: loop.maxIterations,
    },
    // Another build of the API (before/after a change, in alternating runs) when BENCH_VALIDATE_API_DIST names one.
    bundleDir: process.env.BENCH_VALIDATE_API_DIST || distDir("validate-api"),
    events: tokens.map((t) => JSON.stringify(validateApiEvent(t))),
    env: { ISSUER: identity.issuer.issuer, AUDIENCE: identity.clientId, JWKS_URI: identity.issuer.jwksUri },
    publicJwk: identity.key.publicJwk,
    // What the validator asks jose to check, but our own policy (required claims, which jose's check
    // of costs next to nothing): the algorithm, issuer, audience and expiry with the same tolerance.
    verify: {
      issuer: identity.issuer.issuer,
      audience: identity.clientId,
      algorithms: ["RS256"],
      clockTolerance: 30,
    },
  };
  const jobFile = join(workDir, "validate-handler.json");
  writeFileSync(jobFile, JSON.stringify(job));
  const { result } = await runChild<ChildResult>(
    [...lambdaNodeFlags(VALIDATE_API_MEMORY_MB), join(CHILDREN_DIR, "validate-handler-child.mjs"), jobFile],
    { env: childEnv({ AWS_REGION: "eu-west-1" }) },
  );
  if (!result || result.rounds.length === 0) throw new Error("the validate-handler child wrote no result");
  const p50Ratios = result.rounds.map((r) => r.bare.p50Ms / r.handler.p50Ms);
  const chosen = result.rounds[medianIndex(p50Ratios)] as ChildResult["rounds"][number];
  const throughputRatios = result.rounds.map((r) => r.handler.perSecond / r.bare.perSecond);
  return {
    handler: chosen.handler,
    bareJose: chosen.bare,
    vsBare: median(p50Ratios),
    vsBareRounds: p50Ratios,
    throughputVsBare: median(throughputRatios),
    throughputVsBareRounds: throughputRatios,
    maxRssMb: result.maxRssMb,
  };
}
