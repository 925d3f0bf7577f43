import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ViewerRequestEvent } from "@static-sso/testing";
import { lambdaNodeFlags } from "./lambda-node-flags.js";
import { median } from "./median.js";
import { CHILDREN_DIR } from "./paths.js";
import { runChild } from "./run-child.js";
import type { Scale } from "./scale.js";

export interface ColdStartFigure {
  /** What the first request got: "302" for the redirect, "forward" when the request went on to the origin. */
  outcome: string;
  /** Medians over the runs, in ms. Inside the child, from process start (performance.timeOrigin) to the first response. */
  firstResponseMs: number;
  /** Inside the child, from the first line of our code to the first response: require + config + first request. */
  beyondNodeMs: number;
  /** require() of the bundle alone. */
  requireMs: number;
  /** As the parent sees it: spawn to the first response's arrival, and that minus a bare script's. */
  wallToResponseMs: number;
  wallToResponseBeyondNodeMs: number;
  /** The whole process, spawn to exit, and that minus `node -e 0`'s. Includes Node's teardown. */
  wallMs: number;
  wallBeyondNodeMs: number;
}

export type ColdStartKind = "publicPath" | "redirect" | "validSession";
const KINDS: ColdStartKind[] = ["publicPath", "redirect", "validSession"];
const EXPECTED: Record<ColdStartKind, string> = {
  publicPath: "forward",
  redirect: "302",
  validSession: "forward",
};

export type ColdStartResults = {
  runs: number;
  /** Median ms from process start to the first line of a bare script: Node's own start-up. */
  nodeBootMs: number;
  /** Median wall time of `node -e 0`, and of a bare script until its first line is reported. */
  nodeWallMs: number;
  nodeWallToFirstLineMs: number;
  /** Median ms a bare process takes for its first loopback request: with fetch() and with node:http. */
  firstFetchMs: number;
  firstNodeHttpMs: number;
} & Record<ColdStartKind, ColdStartFigure>;

interface ChildTimings {
  startedAt: number;
  requireMs: number;
  firstResponseAt: number;
  outcome: string;
}

type Run = { t: ChildTimings; wallMs: number; resultMs: number };

/**
 * Fresh processes (with a 128 MB Lambda's heap flags), each loading the bundle and answering one request:
 * - publicPath: a page under `publicPaths`, which needs no network at all (load, config, decide);
 * - redirect: no session, a 302 to the IdP; the discovery document comes from the stub issuer on loopback;
 * - validSession: a returning user; the validation API (startValidateServer) answers on loopback.
 * The runs of every kind are interleaved with the baselines so a noisy moment hits them all alike.
 */
export async function measureEdgeColdStart(
  bundleDir: string,
  events: Record<ColdStartKind, ViewerRequestEvent>,
  /** Any URL on loopback that answers a GET, for the bare first-request figures. */
  loopbackUrl: string,
  scale: Scale,
  workDir: string,
): Promise<ColdStartResults> {
  const eventFiles = {} as Record<ColdStartKind, string>;
  for (const kind of KINDS) {
    eventFiles[kind] = join(workDir, `cold-${kind}-event.json`);
    writeFileSync(eventFiles[kind], JSON.stringify(events[kind]));
  }
  const child = join(CHILDREN_DIR, "cold-start-child.cjs");
  const boot: number[] = [];
  const bootWall: number[] = [];
  const nodeWall: number[] = [];
  const firstFetch: number[] = [];
  const firstHttp: number[] = [];
  const firstRequest = join(CHILDREN_DIR, "first-request-child.cjs");
  const runs = { publicPath: [], redirect: [], validSession: [] } as Record<ColdStartKind, Run[]>;
  // One untimed round first (unless a single run is asked for): the page cache and the servers on loopback
  // are warm for every timed run.
  const untimed = scale.coldStartRuns > 1 ? 1 : 0;
  for (let i = 1 - untimed; i <= scale.coldStartRuns; i++) {
    const bare = await runChild([...lambdaNodeFlags(), "-e", "0"]);
    const bareBoot = await runChild<{ startedAt: number }>([
      ...lambdaNodeFlags(),
      join(CHILDREN_DIR, "node-start-child.cjs"),
    ]);
    const timed = {} as Record<ColdStartKind, Run>;
    for (const kind of KINDS) {
      const r = await runChild<ChildTimings>([...lambdaNodeFlags(), child, bundleDir, eventFiles[kind]]);
      if (!r.result) throw new Error("a cold-start child wrote no result");
      timed[kind] = { t: r.result, wallMs: r.wallMs, resultMs: r.resultMs };
    }
    const viaFetch = await runChild<{ ms: number }>([
      ...lambdaNodeFlags(),
      firstRequest,
      "fetch",
      loopbackUrl,
    ]);
    const viaHttp = await runChild<{ ms: number }>([...lambdaNodeFlags(), firstRequest, "http", loopbackUrl]);
    if (i === 0) continue;
    firstFetch.push(viaFetch.result?.ms ?? Number.NaN);
    firstHttp.push(viaHttp.result?.ms ?? Number.NaN);
    nodeWall.push(bare.wallMs);
    boot.push(bareBoot.result?.startedAt ?? Number.NaN);
    bootWall.push(bareBoot.resultMs);
    for (const kind of KINDS) runs[kind].push(timed[kind]);
  }
  const nodeWallMs = median(nodeWall);
  const nodeWallToFirstLineMs = median(bootWall);
  const figure = (kind: ColdStartKind): ColdStartFigure => {
    const rs = runs[kind];
    const outcome = [...new Set(rs.map((r) => r.t.outcome))].join(",");
    if (outcome !== EXPECTED[kind]) {
      throw new Error(`cold start, ${kind}: the first request got ${outcome}, not ${EXPECTED[kind]}`);
    }
    const wallMs = median(rs.map((r) => r.wallMs));
    const wallToResponseMs = median(rs.map((r) => r.resultMs));
    return {
      outcome,
      firstResponseMs: median(rs.map((r) => r.t.firstResponseAt)),
      beyondNodeMs: median(rs.map((r) => r.t.firstResponseAt - r.t.startedAt)),
      requireMs: median(rs.map((r) => r.t.requireMs)),
      wallToResponseMs,
      wallToResponseBeyondNodeMs: wallToResponseMs - nodeWallToFirstLineMs,
      wallMs,
      wallBeyondNodeMs: wallMs - nodeWallMs,
    };
  };
  return {
    runs: scale.coldStartRuns,
    nodeBootMs: median(boot),
    nodeWallMs,
    nodeWallToFirstLineMs,
    firstFetchMs: median(firstFetch),
    firstNodeHttpMs: median(firstHttp),
    publicPath: figure("publicPath"),
    redirect: figure("redirect"),
    validSession: figure("validSession"),
  };
}
