// Prints the README's table from bench/results.json: `node --import tsx src/readme-table.ts`.
// The README keeps the latest run's figures; this keeps them the same as the run's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchResults } from "./bench-results.js";
import { TARGETS } from "./bench-results.js";
import type { LoopResult } from "./children/measure-loop.mjs";
import { formatCostTable } from "./cost-table.js";
import { formatMs, formatRate, formatWholeMs } from "./format-table.js";
import type { WarmMemory } from "./measure-edge-warm.js";
import { BENCH_DIR } from "./paths.js";

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const loop = (l: LoopResult) => `${formatMs(l.p50Ms)} / ${formatMs(l.p99Ms)} · ${formatRate(l.perSecond)}`;
const ok = (pass: boolean) => (pass ? "✓" : "✗ missed");
const mb = (x: number) => `${x.toFixed(1)} MB`;
const rss = (m: WarmMemory) =>
  `${mb(m.maxRssMb)} · ${mb(m.controlMaxRssMb)} · ${m.handlerMb < 0 ? "−" : "+"}${mb(Math.abs(m.handlerMb))}`;

export function formatReadmeTable(r: BenchResults): string {
  const c = r.edgeColdStart;
  const w = r.edgeWarm;
  const v = r.validateApi;
  const cold = (f: typeof c.redirect) =>
    `+${formatMs(f.beyondNodeMs)} (wall to response +${formatMs(f.wallToResponseBeyondNodeMs)})`;
  const rows: string[][] = [
    [
      "edge-auth: bundle / zip",
      `${kib(r.sizes["edge-auth"].bundleBytes)} / ${kib(r.sizes["edge-auth"].zipBytes)}`,
      `zip ≤ 60 KB ${ok(r.sizes["edge-auth"].zipBytes <= TARGETS.edgeZipMaxBytes)}, limit 1 MB ${ok(r.sizes["edge-auth"].zipBytes <= TARGETS.edgeZipLimitBytes)}`,
    ],
    [
      "validate-api: bundle / zip",
      `${kib(r.sizes["validate-api"].bundleBytes)} / ${kib(r.sizes["validate-api"].zipBytes)}`,
      "—",
    ],
    [
      `Path rules, worst case: ${(r.globWorst.pathBytes / 1024).toFixed(0)} KB path vs \`${r.globWorst.glob}\` (one match p50 / slowest · whole rule lookup p50)`,
      `${r.globWorst.matchP50Us.toFixed(0)} µs / ${r.globWorst.matchMaxUs.toFixed(0)} µs · ${r.globWorst.needsP50Us.toFixed(0)} µs`,
      "linear in the path",
    ],
    [
      "Node alone: start to first line / `node -e 0` wall",
      `${formatMs(c.nodeBootMs)} / ${formatMs(c.nodeWallMs)}`,
      "—",
    ],
    [
      "Node alone: first loopback request, `fetch()` / `node:http`",
      `${formatMs(c.firstFetchMs)} / ${formatMs(c.firstNodeHttpMs)}`,
      "—",
    ],
    [
      "Edge cold start, public page (no network)",
      cold(c.publicPath),
      `≤ ${TARGETS.coldStartBeyondNodeMs} ms ${ok(c.publicPath.beyondNodeMs <= TARGETS.coldStartBeyondNodeMs)}`,
    ],
    [
      "Edge cold start, no session → 302 (discovery on loopback)",
      cold(c.redirect),
      `≤ ${TARGETS.coldStartBeyondNodeMs} ms ${ok(c.redirect.beyondNodeMs <= TARGETS.coldStartBeyondNodeMs)}`,
    ],
    [
      "Edge cold start, valid session (validation API on loopback)",
      cold(c.validSession),
      `≤ ${TARGETS.coldStartBeyondNodeMs} ms ${ok(c.validSession.beyondNodeMs <= TARGETS.coldStartBeyondNodeMs)}`,
    ],
    ["Edge warm, valid session, validation cached (p50 / p99 · rate)", loop(w.cached), "—"],
    ["Edge warm, valid session, validation API on loopback", loop(w.validateApi), "—"],
    ["Edge warm, no session → 302", loop(w.redirect), "—"],
    // Results from before the fast path have no session-check figures.
    ...(r.sessionCheck
      ? [
          [
            "CloudFront Function `session-check` (demo site, as uploaded)",
            `${kib(r.sessionCheck.codeBytes)} (${r.sessionCheck.codeBytes.toLocaleString("en-US")} B)`,
            `≤ 8 KiB ${ok(r.sessionCheck.codeBytes <= 8 * 1024)}, limit 10 KiB ${ok(r.sessionCheck.codeBytes <= 10 * 1024)}`,
          ],
          [
            "Function in the cloudfront-js-2.0 sandbox, valid session → pass",
            loop(r.sessionCheck.valid),
            "—",
          ],
          ["Function in the sandbox, no session → 302 `/_auth/login`", loop(r.sessionCheck.redirect), "—"],
          ["Sandbox alone (a function returning the request)", loop(r.sessionCheck.control), "—"],
        ]
      : []),
    ["cognito-at-edge warm, valid token, JWKS preloaded", loop(r.peer.valid), "—"],
    [
      "Ours (cached) vs cognito-at-edge",
      `${r.peer.speedup.toFixed(2)}× faster at p50 (rounds: ${r.peer.speedups.map((s) => s.toFixed(2)).join(", ")}); ${r.peer.throughputRatio.toFixed(1)}× the requests/s`,
      `≥ ${TARGETS.peerSpeedup}× ${ok(r.peer.speedup >= TARGETS.peerSpeedup)}`,
    ],
    [
      "One JSON log line to stdout, alone (a pass's `request` line, written only at `logLevel` debug: off by default)",
      `${loop(r.peer.logWrite.loop)}; ${r.peer.logWrite.lineBytes} B; ${(r.peer.logWrite.p50Share * 100).toFixed(0)}% of ours (cached) at p50`,
      "—",
    ],
    [
      "Edge peak RSS under the warm loop (cached, own process) · stub-handler control · handler's own",
      rss(w.memory.cached),
      `≤ ${TARGETS.edgeMaxRssMb} MB ${ok(w.maxRssMb <= TARGETS.edgeMaxRssMb)}, limit ${TARGETS.edgeRssLimitMb} MB ${ok(w.maxRssMb <= TARGETS.edgeRssLimitMb)}`,
    ],
    ["Edge peak RSS, validation API loop (own process), same columns", rss(w.memory.validateApi), "—"],
    ["Edge peak RSS, no session → 302 loop (own process), same columns", rss(w.memory.redirect), "—"],
    [
      "Peak RSS, cached loop in the paired rounds: ours / cognito-at-edge",
      `${r.peer.oursMaxRssMb.toFixed(0)} MB / ${r.peer.maxRssMb.toFixed(0)} MB`,
      "—",
    ],
    ["Bare `jose.jwtVerify`, same key and token", loop(v.bareJose), "—"],
    [
      "Validator in-process (`createValidator`)",
      `${loop(v.inProcess)}; ${(v.inProcessVsBare * 100).toFixed(0)}% of bare at p50 (rounds: ${v.inProcessVsBareRounds.map((x) => `${(x * 100).toFixed(0)}%`).join(", ")})`,
      `≥ ${TARGETS.inProcessVsBare * 100}% ${ok(v.inProcessVsBare >= TARGETS.inProcessVsBare)}`,
    ],
    [
      "Validation API Lambda handler (`dist/index.js`, payload 2.0 event, default log level), own process",
      `${loop(v.handler.handler)}; ${(v.handler.vsBare * 100).toFixed(0)}% of bare at p50 (rounds: ${v.handler.vsBareRounds.map((x) => `${(x * 100).toFixed(0)}%`).join(", ")})`,
      `≥ ${TARGETS.handlerVsBare * 100}% ${ok(v.handler.vsBare >= TARGETS.handlerVsBare)}`,
    ],
    [
      `Validation API over HTTP, ${v.http.connections} connections`,
      `${formatWholeMs(v.http.p50Ms)} / ${formatWholeMs(v.http.p99Ms)} · ${formatRate(v.http.perSecond)}`,
      "—",
    ],
  ];
  const m = r.machine;
  return [
    "| Measure | Latest | Target |",
    "|---|---|---|",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
    "",
    `${r.date.slice(0, 16).replace("T", " ")} UTC · ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB · Node ${m.node} (${m.platform}/${m.arch}) · load average ${m.loadAverage[0]} when the run began · ${r.durationSeconds.toFixed(0)} s`,
  ].join("\n");
}

if (process.argv[1]?.endsWith("readme-table.ts")) {
  const file = process.argv[2] ?? join(BENCH_DIR, "results.json");
  const results = JSON.parse(readFileSync(file, "utf8")) as BenchResults;
  console.log(formatReadmeTable(results));
  console.log(
    `\nCost per million page views, each mode (bench/src/cost-table.ts):\n\n${formatCostTable(results)}`,
  );
}
