import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LoopOptions, LoopResult } from "./children/measure-loop.mjs";
import { lambdaNodeFlags } from "./lambda-node-flags.js";
import { CHILDREN_DIR } from "./paths.js";
import { runChild } from "./run-child.js";
import type { Scale } from "./scale.js";
import type { ViewerRequestEvent } from "./viewer-request-event.js";

type ScenarioName = "cached" | "validateApi" | "redirect";

export interface EdgeWarmResults {
  /** Valid session, its validation answer already in the container's cache: no network at all. */
  cached: LoopResult;
  /** Valid session, a token never seen before: every request calls the validation API on loopback. */
  validateApi: LoopResult;
  /** No session: a 302 to the IdP with fresh state, nonce and PKCE (discovery cached). */
  redirect: LoopResult;
  /** Peak RSS of the process over the three loops (process.resourceUsage().maxRSS), in MB. */
  maxRssMb: number;
  /** RSS of the same process before it loaded the handler: Node, the loop and its tokens. */
  baselineRssMb: number;
  rssAfter: Record<ScenarioName, number>;
}

interface Scenario {
  name: ScenarioName;
  event: ViewerRequestEvent;
  expect: "forward" | "302";
  prime?: boolean;
  /** Replace `{token}` in the event's cookie with tokens[i] on call i. */
  tokens?: string[];
  loop: LoopOptions;
}

/** Runs the scenarios, in order, in one fresh child with a 128 MB Lambda's heap flags. */
async function runEdgeWarmChild(bundleDir: string, scenarios: Scenario[], jobFile: string) {
  writeFileSync(jobFile, JSON.stringify({ bundleDir, scenarios }));
  const { result } = await runChild<{
    scenarios: Partial<Record<ScenarioName, LoopResult>>;
    maxRssMb: number;
    baselineRssMb: number;
    rssAfter: Partial<Record<ScenarioName, number>>;
  }>([...lambdaNodeFlags(), join(CHILDREN_DIR, "edge-warm-child.mjs"), jobFile]);
  if (!result) throw new Error("the edge's warm child wrote no result");
  return result;
}

/**
 * The three warm loops, one after the other in one child process that loaded the shipped bundle once.
 * `uncached.event`'s cookie holds `{token}`, replaced on each call by a token the handler has never seen.
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
  const warmupIterations = Math.min(50, Math.floor(tokens.length / 4));
  const result = await runEdgeWarmChild(
    bundleDir,
    [
      { name: "redirect", event: events.redirect, expect: "302", loop },
      { name: "cached", event: events.cached, expect: "forward", prime: true, loop },
      {
        name: "validateApi",
        event: events.uncached.event,
        tokens,
        expect: "forward",
        // Bounded by the tokens, not the clock: a token seen twice would be a cache hit.
        loop: { ...loop, warmupIterations, loopMs: 120_000, maxIterations: tokens.length - warmupIterations },
      },
    ],
    join(workDir, "edge-warm-job.json"),
  );
  const { cached, validateApi, redirect } = result.scenarios;
  if (!cached || !validateApi || !redirect) throw new Error("the edge's warm child skipped a scenario");
  return {
    cached,
    validateApi,
    redirect,
    maxRssMb: result.maxRssMb,
    baselineRssMb: result.baselineRssMb,
    rssAfter: result.rssAfter as Record<ScenarioName, number>,
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
    [{ name: "cached", event, expect: "forward", prime: true, loop }],
    join(workDir, "edge-cached-job.json"),
  );
  if (!result.scenarios.cached) throw new Error("the edge's warm child skipped the cached loop");
  return { cached: result.scenarios.cached, maxRssMb: result.maxRssMb };
}
