import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { lambdaNodeFlags } from "./lambda-node-flags.js";
import { median } from "./median.js";
import { CHILDREN_DIR } from "./paths.js";
import { runChild } from "./run-child.js";
import type { Scale } from "./scale.js";
import type { ViewerRequestEvent } from "./viewer-request-event.js";

export interface ColdStartFigure {
  /** What the first request got: "302" for the redirect, "forward" when the request went on to the origin. */
  outcome: string;
  /** Medians over the runs, in ms. From process start (performance.timeOrigin) to the first response. */
  firstResponseMs: number;
  /** From the first line of our code to the first response: require + config + first request. */
  beyondNodeMs: number;
  /** require() of the bundle alone. */
  requireMs: number;
  /** The whole process as the parent sees it (spawn to exit), and that minus `node -e 0`'s. */
  wallMs: number;
  wallBeyondNodeMs: number;
}

export interface ColdStartResults {
  runs: number;
  /** Median ms from process start to the first line of a bare script: Node's own start-up. */
  nodeBootMs: number;
  /** Median wall time of `node -e 0`. */
  nodeWallMs: number;
  /** No session: the redirect to the IdP, discovery fetched from a stub issuer on loopback. */
  redirect: ColdStartFigure;
  /** A returning user: valid session cookie, the validation API answering on loopback. */
  validSession: ColdStartFigure;
}

interface ChildTimings {
  startedAt: number;
  requireMs: number;
  firstResponseAt: number;
  outcome: string;
}

/**
 * Fresh processes (with a 128 MB Lambda's heap flags), each loading the bundle and answering one request. The runs of every kind are
 * interleaved (baseline, redirect, valid session, …) so a noisy moment hits them all alike.
 */
export async function measureEdgeColdStart(
  bundleDir: string,
  events: { redirect: ViewerRequestEvent; validSession: ViewerRequestEvent },
  scale: Scale,
  workDir: string,
): Promise<ColdStartResults> {
  const eventFiles = {
    redirect: join(workDir, "cold-redirect-event.json"),
    validSession: join(workDir, "cold-valid-event.json"),
  };
  writeFileSync(eventFiles.redirect, JSON.stringify(events.redirect));
  writeFileSync(eventFiles.validSession, JSON.stringify(events.validSession));
  const child = join(CHILDREN_DIR, "cold-start-child.cjs");
  const boot: number[] = [];
  const nodeWall: number[] = [];
  const runs: Record<keyof typeof eventFiles, Array<{ t: ChildTimings; wallMs: number }>> = {
    redirect: [],
    validSession: [],
  };
  // One untimed round first (unless a single run is asked for): the page cache and the servers on loopback
  // are warm for every timed run.
  const untimed = scale.coldStartRuns > 1 ? 1 : 0;
  for (let i = 1 - untimed; i <= scale.coldStartRuns; i++) {
    const bare = await runChild<{ startedAt: number }>([...lambdaNodeFlags(), "-e", "0"]);
    const bareBoot = await runChild<{ startedAt: number }>([
      ...lambdaNodeFlags(),
      join(CHILDREN_DIR, "node-start-child.cjs"),
    ]);
    const timed: Partial<Record<keyof typeof eventFiles, { t: ChildTimings; wallMs: number }>> = {};
    for (const kind of ["redirect", "validSession"] as const) {
      const r = await runChild<ChildTimings>([...lambdaNodeFlags(), child, bundleDir, eventFiles[kind]]);
      if (!r.result) throw new Error("a cold-start child wrote no result");
      timed[kind] = { t: r.result, wallMs: r.wallMs };
    }
    if (i === 0) continue;
    nodeWall.push(bare.wallMs);
    boot.push(bareBoot.result?.startedAt ?? Number.NaN);
    for (const kind of ["redirect", "validSession"] as const)
      runs[kind].push(timed[kind] as { t: ChildTimings; wallMs: number });
  }
  const nodeWallMs = median(nodeWall);
  const figure = (kind: keyof typeof eventFiles): ColdStartFigure => {
    const rs = runs[kind];
    const outcomes = new Set(rs.map((r) => r.t.outcome));
    const wallMs = median(rs.map((r) => r.wallMs));
    return {
      outcome: [...outcomes].join(","),
      firstResponseMs: median(rs.map((r) => r.t.firstResponseAt)),
      beyondNodeMs: median(rs.map((r) => r.t.firstResponseAt - r.t.startedAt)),
      requireMs: median(rs.map((r) => r.t.requireMs)),
      wallMs,
      wallBeyondNodeMs: wallMs - nodeWallMs,
    };
  };
  const redirect = figure("redirect");
  const validSession = figure("validSession");
  if (redirect.outcome !== "302")
    throw new Error(`cold start: no-session request answered ${redirect.outcome}, not 302`);
  if (validSession.outcome !== "forward") {
    throw new Error(`cold start: valid-session request answered ${validSession.outcome}, not forwarded`);
  }
  return { runs: scale.coldStartRuns, nodeBootMs: median(boot), nodeWallMs, redirect, validSession };
}
