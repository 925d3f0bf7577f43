import { describe, expect, it } from "vitest";
import type { BenchResults } from "../src/bench-results.js";
import { costPerMillionPageViews, formatCostTable } from "../src/cost-table.js";
import { formatTable } from "../src/format-table.js";
import { formatReadmeTable } from "../src/readme-table.js";
import { runBench } from "../src/run-bench.js";

// Every figure the README's table shows; a tiny run must produce each of them as a finite number.
const FIGURES = [
  "durationSeconds",
  "machine.cores",
  "sizes.edge-auth.bundleBytes",
  "sizes.edge-auth.zipBytes",
  "sizes.validate-api.bundleBytes",
  "sizes.validate-api.zipBytes",
  "globWorst.matchP50Us",
  "globWorst.needsP50Us",
  "edgeColdStart.nodeBootMs",
  "edgeColdStart.nodeWallMs",
  "edgeColdStart.nodeWallToFirstLineMs",
  "edgeColdStart.firstFetchMs",
  "edgeColdStart.firstNodeHttpMs",
  ...["publicPath", "redirect", "validSession"].flatMap((k) =>
    [
      "firstResponseMs",
      "beyondNodeMs",
      "requireMs",
      "wallToResponseMs",
      "wallToResponseBeyondNodeMs",
      "wallMs",
      "wallBeyondNodeMs",
    ].map((f) => `edgeColdStart.${k}.${f}`),
  ),
  ...["cached", "validateApi", "redirect"].flatMap((k) =>
    ["p50Ms", "p99Ms", "perSecond"].map((f) => `edgeWarm.${k}.${f}`),
  ),
  "edgeWarm.maxRssMb",
  "sessionCheck.codeBytes",
  ...["valid", "redirect", "publicPage", "control"].flatMap((k) =>
    ["p50Ms", "p99Ms", "perSecond"].map((f) => `sessionCheck.${k}.${f}`),
  ),
  ...["cached", "validateApi", "redirect"].flatMap((k) =>
    [
      "maxRssMb",
      "baselineRssMb",
      "controlMaxRssMb",
      "controlBaselineRssMb",
      "handlerMb",
      "control.perSecond",
    ].map((f) => `edgeWarm.memory.${k}.${f}`),
  ),
  "peer.valid.p50Ms",
  "peer.valid.p99Ms",
  "peer.valid.perSecond",
  "peer.ours.perSecond",
  "peer.maxRssMb",
  "peer.oursMaxRssMb",
  "peer.speedup",
  "peer.throughputRatio",
  "peer.logWrite.loop.p50Ms",
  "peer.logWrite.loop.p99Ms",
  "peer.logWrite.loop.perSecond",
  "peer.logWrite.lineBytes",
  "peer.logWrite.p50Share",
  "validateApi.bareJose.perSecond",
  "validateApi.inProcess.perSecond",
  "validateApi.inProcess.p50Ms",
  "validateApi.inProcessVsBare",
  "validateApi.throughputVsBare",
  "validateApi.http.perSecond",
  "validateApi.http.p50Ms",
  "validateApi.http.p99Ms",
  "validateApi.handler.handler.p50Ms",
  "validateApi.handler.handler.perSecond",
  "validateApi.handler.bareJose.p50Ms",
  "validateApi.handler.vsBare",
  "validateApi.handler.throughputVsBare",
  "validateApi.handler.maxRssMb",
];

function at(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split(".")) v = (v as Record<string, unknown> | undefined)?.[key];
  return v;
}

describe("pnpm bench", () => {
  let results: BenchResults;

  it("completes a tiny run against the built bundles", { timeout: 90_000 }, async () => {
    results = await runBench({ scale: "tiny", progress: () => {} });
    expect(results.scale).toBe("tiny");
  });

  it.each(FIGURES)("reports %s as a finite number", (path) => {
    const value = at(results, path);
    expect(typeof value).toBe("number");
    expect(Number.isFinite(value)).toBe(true);
  });

  it("records when and where it ran", () => {
    expect(Number.isNaN(Date.parse(results.date))).toBe(false);
    expect(results.machine.node).toBe(process.version);
    expect(results.machine.cpu).not.toBe("");
  });

  it("sees the cold public page and valid session forwarded and the no-session request redirected", () => {
    expect(results.edgeColdStart.publicPath.outcome).toBe("forward");
    expect(results.edgeColdStart.redirect.outcome).toBe("302");
    expect(results.edgeColdStart.validSession.outcome).toBe("forward");
  });

  it("reports the cached loop's own process as the headline peak RSS, and each loop's handler share against its stub-handler control", () => {
    const w = results.edgeWarm;
    expect(w.maxRssMb).toBe(w.memory.cached.maxRssMb);
    for (const m of Object.values(w.memory)) {
      expect(m.maxRssMb).toBeGreaterThanOrEqual(m.baselineRssMb);
      expect(m.controlMaxRssMb).toBeGreaterThanOrEqual(m.controlBaselineRssMb);
      expect(m.handlerMb).toBeCloseTo(m.maxRssMb - m.controlMaxRssMb, 6);
    }
  });

  it("measures the log line alone (as logLevel debug writes it) in every paired round", () => {
    const p = results.peer;
    const l = p.logWrite;
    expect(l.p50Shares).toHaveLength(p.speedups.length);
    for (const x of l.p50Shares) expect(Number.isFinite(x)).toBe(true);
    expect(l.loop.p50Ms).toBeGreaterThan(0);
    // The handler's own request line for the cached session: one JSON object and a newline.
    expect(l.line.endsWith("}\n")).toBe(true);
    expect(JSON.parse(l.line)).toMatchObject({
      level: "debug",
      message: "request",
      fn: "edge-auth",
      outcome: "pass",
    });
    expect(l.lineBytes).toBe(Buffer.byteLength(l.line));
  });

  it("prints a table with a row per measure and the machine line", () => {
    const table = formatTable(results);
    for (const row of [
      "edge-auth zip",
      "Edge cold start",
      "validation cached",
      "cognito-at-edge",
      "One JSON log line to stdout, alone",
      "peak RSS",
      "HTTP",
      "Validation API Lambda handler",
    ]) {
      expect(table).toContain(row);
    }
    expect(table).toContain(results.machine.cpu);
  });

  it("prints the README's table with the log line alone", () => {
    const table = formatReadmeTable(results);
    expect(table).toContain("| One JSON log line to stdout, alone");
  });

  it("prices a million page views in each mode from the measured durations, with the prices' sources", () => {
    const cost = costPerMillionPageViews(results);
    expect(cost.fastPath).toBeGreaterThan(0);
    // Lambda@Edge on every view costs at least its request charge alone; the fast path far less.
    expect(cost.lambdaEdge).toBeGreaterThanOrEqual(0.6);
    expect(cost.fastPath).toBeLessThan(cost.lambdaEdge);
    const table = formatCostTable(results);
    for (const source of ["aws.amazon.com/lambda/pricing", "aws.amazon.com/cloudfront/pricing"])
      expect(table).toContain(source);
  });
});
