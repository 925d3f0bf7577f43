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

/** The tokens both sides verify, in the same order: `token`, then more of the same key's. */
export async function benchTokens(identity: BenchIdentity, token: string): Promise<string[]> {
  const tokens = [token];
  for (let n = 1; tokens.length < HANDLER_BENCH_TOKENS; n++)
    tokens.push(await identity.signUserToken(1_000_000 + n));
  return tokens;
}

/**
 * What bare jose.jwtVerify checks: what the validator asks jose to check, but our own policy (required
 * claims, which costs next to nothing): the algorithm, issuer, audience and expiry with the same tolerance.
 */
export function bareVerifyOptions(identity: BenchIdentity) {
  return {
    issuer: identity.issuer.issuer,
    audience: identity.clientId,
    algorithms: ["RS256"],
    clockTolerance: 30,
  };
}

/** measureInterleaved's options for `rounds` rounds of about `loop.loopMs` of calls per side. */
export function interleavedOptions(loop: LoopOptions, rounds: number) {
  return { warmupMs: loop.warmupMs, rounds, roundMs: 2 * loop.loopMs, maxIterations: loop.maxIterations };
}

/**
 * Ours against bare over the rounds: the round whose p50 ratio is the median one, bare's p50 over ours
 * per round and their median (the target's measure), and our calls/s over bare's likewise.
 */
export function versusBare(rounds: ReadonlyArray<{ ours: LoopResult; bare: LoopResult }>) {
  const p50Ratios = rounds.map((r) => r.bare.p50Ms / r.ours.p50Ms);
  const round = rounds[medianIndex(p50Ratios)];
  if (!round) throw new Error("no round to compare");
  const throughputRatios = rounds.map((r) => r.ours.perSecond / r.bare.perSecond);
  return {
    round,
    p50Ratio: median(p50Ratios),
    p50Ratios,
    throughputRatio: median(throughputRatios),
    throughputRatios,
  };
}

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
  const tokens = await benchTokens(identity, token);
  const job = {
    tokens,
    options: interleavedOptions(loop, rounds),
    // Another build of the API (before/after a change, in alternating runs) when BENCH_VALIDATE_API_DIST names one.
    bundleDir: process.env.BENCH_VALIDATE_API_DIST || distDir("validate-api"),
    events: tokens.map((t) => JSON.stringify(validateApiEvent(t))),
    env: { ISSUER: identity.issuer.issuer, AUDIENCE: identity.clientId, JWKS_URI: identity.issuer.jwksUri },
    publicJwk: identity.key.publicJwk,
    verify: bareVerifyOptions(identity),
  };
  const jobFile = join(workDir, "validate-handler.json");
  writeFileSync(jobFile, JSON.stringify(job));
  const { result } = await runChild<ChildResult>(
    [...lambdaNodeFlags(VALIDATE_API_MEMORY_MB), join(CHILDREN_DIR, "validate-handler-child.mjs"), jobFile],
    { env: childEnv({ AWS_REGION: "eu-west-1" }) },
  );
  if (!result || result.rounds.length === 0) throw new Error("the validate-handler child wrote no result");
  const v = versusBare(result.rounds.map((r) => ({ ours: r.handler, bare: r.bare })));
  return {
    handler: v.round.ours,
    bareJose: v.round.bare,
    vsBare: v.p50Ratio,
    vsBareRounds: v.p50Ratios,
    throughputVsBare: v.throughputRatio,
    throughputVsBareRounds: v.throughputRatios,
    maxRssMb: result.maxRssMb,
  };
}
