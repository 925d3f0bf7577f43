import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LoopOptions, LoopResult } from "./children/measure-loop.mjs";
import { CHILDREN_DIR } from "./paths.js";
import { runChild } from "./run-child.js";
import type { Scale } from "./scale.js";
import type { ViewerRequestEvent } from "./viewer-request-event.js";

export interface EdgeWarmResults {
  /** Valid session, its validation answer already in the container's cache: no network at all. */
  cached: LoopResult;
  /** Valid session, a token never seen before: every request calls the validation API on loopback. */
  validateApi: LoopResult;
  /** No session: a 302 to the IdP with fresh state, nonce and PKCE (discovery cached). */
  redirect: LoopResult;
  /** Peak RSS of the process over the three loops (process.resourceUsage().maxRSS). */
  maxRssMb: number;
  rssMb: number;
}

interface Scenario {
  name: "cached" | "validateApi" | "redirect";
  events: ViewerRequestEvent[];
  expect: "forward" | "302";
  prime?: boolean;
  distinct?: boolean;
  loop: LoopOptions;
}

/** The three warm loops, one after the other in one child process that loaded the shipped bundle once. */
export async function measureEdgeWarm(
  bundleDir: string,
  events: { cached: ViewerRequestEvent; uncached: ViewerRequestEvent[]; redirect: ViewerRequestEvent },
  scale: Scale,
  workDir: string,
): Promise<EdgeWarmResults> {
  const loop = { warmupMs: scale.warmupMs, loopMs: scale.loopMs, maxIterations: scale.maxIterations };
  const warmupIterations = Math.min(50, Math.floor(events.uncached.length / 4));
  const scenarios: Scenario[] = [
    { name: "redirect", events: [events.redirect], expect: "302", loop },
    { name: "cached", events: [events.cached], expect: "forward", prime: true, loop },
    {
      name: "validateApi",
      events: events.uncached,
      expect: "forward",
      distinct: true,
      // Bounded by the tokens, not the clock: a token seen twice would be a cache hit.
      loop: {
        ...loop,
        warmupIterations,
        loopMs: 120_000,
        maxIterations: events.uncached.length - warmupIterations,
      },
    },
  ];
  const jobFile = join(workDir, "edge-warm-job.json");
  writeFileSync(jobFile, JSON.stringify({ bundleDir, scenarios }));
  const { result } = await runChild<{
    scenarios: Record<Scenario["name"], LoopResult>;
    maxRssMb: number;
    rssMb: number;
  }>([join(CHILDREN_DIR, "edge-warm-child.mjs"), jobFile]);
  if (!result) throw new Error("the edge's warm child wrote no result");
  return { ...result.scenarios, maxRssMb: result.maxRssMb, rssMb: result.rssMb };
}
