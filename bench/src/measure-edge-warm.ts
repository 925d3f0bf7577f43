import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ViewerRequestEvent } from "@static-sso/testing";
import type { LoopOptions, LoopResult } from "./children/measure-loop.mjs";
import { lambdaNodeFlags } from "./lambda-node-flags.js";
import { CHILDREN_DIR } from "./paths.js";
import { runChild } from "./run-child.js";
import type { Scale } from "./scale.js";

export type WarmScenarioName = "cached" | "validateApi" | "redirect";

/** Peak RSS of one warm scenario's process, and of the control process doing the same with a stub handler. */
export interface WarmMemory {
  /** process.resourceUsage().maxRSS of our handler's process over its loop, in MB. */
  maxRssMb: number;
  /** RSS of that process before it loaded the handler: Node, the harness, the job and its tokens. */
  baselineRssMb: number;
  /** The same, for the control: a stub handler that does nothing, same loop, events and heap flags. */
  controlMaxRssMb: number;
  controlBaselineRssMb: number;
  /** Our handler's own share of the peak: ours minus the control's. */
  handlerMb: number;
  /** The control's loop (its call count shows it allocated at least as much per second as ours). */
  control: LoopResult;
}

export interface EdgeWarmResults {
  /** Valid session, its validation answer already in the container's cache: no network at all. */
  cached: LoopResult;
  /** Valid session, a token never seen before: every request calls the validation API on loopback. */
  validateApi: LoopResult;
  /** No session: a 302 to the IdP with fresh state, nonce and PKCE (discovery cached). */
  redirect: LoopResult;
  /** The headline: peak RSS of the process that ran the cached loop (the path nearly every request takes), MB. */
  maxRssMb: number;
  /** Each scenario ran in a fresh process of its own, and again with a stub handler (the control). */
  memory: Record<WarmScenarioName, WarmMemory>;
}

interface Scenario {
  name: WarmScenarioName;
  event: ViewerRequestEvent;
  expect: "forward" | "302";
  prime?: boolean;
  /** A file of newline-separated tokens; `{token}` in the event's cookie becomes token i on call i. */
  tokensFile?: string;
  loop: LoopOptions;
}

interface WarmChildResult {
  loop: LoopResult;
  maxRssMb: number;
  baselineRssMb: number;
}

/**
 * Runs one scenario in a fresh child with a 128 MB Lambda's heap flags: with the shipped bundle, or with
 * `bundleDir` undefined, the control's stub handler.
 */
async function runEdgeWarmChild(
  bundleDir: string | undefined,
  scenario: Scenario,
  workDir: string,
): Promise<WarmChildResult> {
  const jobFile = join(workDir, `edge-warm-${scenario.name}-${bundleDir ? "ours" : "control"}.json`);
  writeFileSync(jobFile, JSON.stringify({ ...(bundleDir ? { bundleDir } : {}), scenario }));
  const { result } = await runChild<WarmChildResult>([
    ...lambdaNodeFlags(),
    join(CHILDREN_DIR, "edge-warm-child.mjs"),
    jobFile,
  ]);
  if (!result) throw new Error(`the edge's warm child (${scenario.name}) wrote no result`);
  return result;
}

/** Our handler's loop and memory for one scenario, and the control's memory next to it. */
async function measureScenario(bundleDir: string, scenario: Scenario, workDir: string) {
  const ours = await runEdgeWarmChild(bundleDir, scenario, workDir);
  const control = await runEdgeWarmChild(undefined, scenario, workDir);
  const memory: WarmMemory = {
    maxRssMb: ours.maxRssMb,
    baselineRssMb: ours.baselineRssMb,
    controlMaxRssMb: control.maxRssMb,
    controlBaselineRssMb: control.baselineRssMb,
    handlerMb: ours.maxRssMb - control.maxRssMb,
    control: control.loop,
  };
  return { loop: ours.loop, memory };
}

/**
 * The three warm loops, each in a fresh child process that loads the shipped bundle once (a container
 * serves one kind of traffic; three loops in one process is not what any container sees), each followed
 * by its control. `uncached.event`'s cookie holds `{token}`, replaced on each call by a token the handler
 * has never seen, read from a file so that the tokens stay off the child's JS heap.
 */
export async function measureEdgeWarm(
  bundleDir: string,
  events: {
    cached: ViewerRequestEvent;
    redirect: ViewerRequestEvent;
    uncached: { event: ViewerRequestEvent; tokens: string[] };
  },
  scale: Scale,
  workDir: string,
): Promise<EdgeWarmResults> {
  const loop = { warmupMs: scale.warmupMs, loopMs: scale.loopMs, maxIterations: scale.maxIterations };
  const { tokens } = events.uncached;
  if (tokens.some((t) => t.includes("\n")))
    throw new Error("a token with a newline cannot go in the tokens file");
  const tokensFile = join(workDir, "edge-warm-tokens.txt");
  writeFileSync(tokensFile, tokens.join("\n"));
  const warmupIterations = Math.min(50, Math.floor(tokens.length / 4));

  const cached = await measureScenario(
    bundleDir,
    { name: "cached", event: events.cached, expect: "forward", prime: true, loop },
    workDir,
  );
  const redirect = await measureScenario(
    bundleDir,
    { name: "redirect", event: events.redirect, expect: "302", loop },
    workDir,
  );
  const validateApi = await measureScenario(
    bundleDir,
    {
      name: "validateApi",
      event: events.uncached.event,
      tokensFile,
      expect: "forward",
      // Bounded by the tokens, not the clock: a token seen twice would be a cache hit.
      loop: { ...loop, warmupIterations, loopMs: 120_000, maxIterations: tokens.length - warmupIterations },
    },
    workDir,
  );
  return {
    cached: cached.loop,
    validateApi: validateApi.loop,
    redirect: redirect.loop,
    maxRssMb: cached.memory.maxRssMb,
    memory: { cached: cached.memory, validateApi: validateApi.memory, redirect: redirect.memory },
  };
}

/** The cached valid-session loop alone, in a fresh child: our side of the comparison with the peer. */
export async function measureEdgeCached(
  bundleDir: string,
  event: ViewerRequestEvent,
  loop: LoopOptions,
  workDir: string,
): Promise<{ cached: LoopResult; maxRssMb: number }> {
  const result = await runEdgeWarmChild(
    bundleDir,
    { name: "cached", event, expect: "forward", prime: true, loop },
    workDir,
  );
  return { cached: result.loop, maxRssMb: result.maxRssMb };
}
