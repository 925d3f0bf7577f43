import type { BenchResults } from "./bench-results.js";
import { TARGETS } from "./bench-results.js";
import type { LoopResult } from "./children/measure-loop.mjs";
import type { WarmMemory } from "./measure-edge-warm.js";
import type { SessionCheckResults } from "./measure-session-check.js";

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** autocannon's latencies are whole milliseconds: 0 means under one, not zero. */
export function formatWholeMs(ms: number): string {
  return ms === 0 ? "< 1 ms" : `${ms.toFixed(0)} ms`;
}

export function formatRate(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString("en-US")}/s`;
}

export function formatBytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB (${bytes.toLocaleString("en-US")} B)`;
}

function loop(r: LoopResult): string {
  return `p50 ${formatMs(r.p50Ms)}, p99 ${formatMs(r.p99Ms)}, ${formatRate(r.perSecond)}`;
}

/** A warm process's peak RSS, what it held before the handler loaded, and the stub-handler control's. */
function memory(m: WarmMemory): string {
  return (
    `${m.maxRssMb.toFixed(1)} MB (${m.baselineRssMb.toFixed(1)} MB before the handler loaded); ` +
    `control with a stub handler ${m.controlMaxRssMb.toFixed(1)} MB, so the handler's own ${signed(m.handlerMb)} MB`
  );
}

function signed(mb: number): string {
  return `${mb < 0 ? "−" : "+"}${Math.abs(mb).toFixed(1)}`;
}

function mark(ok: boolean): string {
  return ok ? "✓" : "✗";
}

type Row = [measure: string, result: string, target: string];

/** CloudFront's limit for a function's code, and ours (room for a longer site's rules). */
const FUNCTION_LIMIT_BYTES = 10 * 1024;
const FUNCTION_TARGET_BYTES = 8 * 1024;

/** The fast path's CloudFront Function: its size and its time per request in the local sandbox. */
export function sessionCheckRows(s: SessionCheckResults): Row[] {
  return [
    [
      "CloudFront Function session-check (dist/session-check.js, demo site)",
      formatBytes(s.codeBytes),
      `≤ 8 KiB ${mark(s.codeBytes <= FUNCTION_TARGET_BYTES)} (limit 10 KiB ${mark(s.codeBytes <= FUNCTION_LIMIT_BYTES)})`,
    ],
    ["Function in the cloudfront-js-2.0 sandbox, valid session → pass", loop(s.valid), "—"],
    ["Function in the sandbox, no session → 302 /_auth/login", loop(s.redirect), "—"],
    ["Function in the sandbox, public page", loop(s.publicPage), "—"],
    ["Sandbox alone (a function returning the request)", loop(s.control), "—"],
  ];
}

export function tableRows(r: BenchResults): Row[] {
  const cold = r.edgeColdStart;
  const coldRow = (label: string, f: typeof cold.redirect): Row => [
    `${label} (median of ${cold.runs})`,
    `+${formatMs(f.beyondNodeMs)} (first response ${formatMs(f.firstResponseMs)} after process start, ` +
      `require ${formatMs(f.requireMs)}; wall to response +${formatMs(f.wallToResponseBeyondNodeMs)}, ` +
      `whole process +${formatMs(f.wallBeyondNodeMs)} over \`node -e 0\`)`,
    `≤ ${TARGETS.coldStartBeyondNodeMs} ms ${mark(f.beyondNodeMs <= TARGETS.coldStartBeyondNodeMs)}`,
  ];
  const w = r.edgeWarm;
  const v = r.validateApi;
  return [
    ["edge-auth bundle (dist/index.js)", formatBytes(r.sizes["edge-auth"].bundleBytes), "—"],
    [
      "edge-auth zip",
      formatBytes(r.sizes["edge-auth"].zipBytes),
      `≤ 60 KB ${mark(r.sizes["edge-auth"].zipBytes <= TARGETS.edgeZipMaxBytes)} (limit 1 MB ${mark(r.sizes["edge-auth"].zipBytes <= TARGETS.edgeZipLimitBytes)})`,
    ],
    ["validate-api bundle (dist/index.js)", formatBytes(r.sizes["validate-api"].bundleBytes), "—"],
    ["validate-api zip", formatBytes(r.sizes["validate-api"].zipBytes), "—"],
    [
      `Path rules, worst case: ${(r.globWorst.pathBytes / 1024).toFixed(0)} KB path vs \`${r.globWorst.glob}\``,
      `one match ${r.globWorst.matchP50Us.toFixed(0)} µs p50 (slowest ${r.globWorst.matchMaxUs.toFixed(0)} µs of ${r.globWorst.runs}); ` +
        `whole rule lookup ${r.globWorst.needsP50Us.toFixed(0)} µs p50`,
      "linear in the path (a backtracking RegExp: minutes)",
    ],
    [
      "Node start-up alone",
      `${formatMs(cold.nodeBootMs)} to the first line (wall ${formatMs(cold.nodeWallToFirstLineMs)}); \`node -e 0\` wall ${formatMs(cold.nodeWallMs)}`,
      "—",
    ],
    [
      "Node alone: first loopback request in a fresh process",
      `fetch() ${formatMs(cold.firstFetchMs)}, node:http ${formatMs(cold.firstNodeHttpMs)}`,
      "—",
    ],
    coldRow("Edge cold start, public page (no network)", cold.publicPath),
    coldRow("Edge cold start, no session → 302 (discovery on loopback)", cold.redirect),
    coldRow("Edge cold start, valid session (validation API on loopback)", cold.validSession),
    ["Edge warm, valid session, validation cached", loop(w.cached), "—"],
    ["Edge warm, valid session, validation API on loopback", loop(w.validateApi), "—"],
    ["Edge warm, no session → 302", loop(w.redirect), "—"],
    ...sessionCheckRows(r.sessionCheck),
    ["Peer: cognito-at-edge, valid token, JWKS preloaded", loop(r.peer.valid), "—"],
    [
      "Ours (cached) vs cognito-at-edge",
      `${r.peer.speedup.toFixed(2)}× faster at p50, ${r.peer.throughputRatio.toFixed(2)}× the requests/s ` +
        `(medians of ${r.peer.speedups.length} alternating rounds; ours in the median round: ${loop(r.peer.ours)})`,
      `≥ ${TARGETS.peerSpeedup}× ${mark(r.peer.speedup >= TARGETS.peerSpeedup)}`,
    ],
    [
      "One JSON log line to stdout, alone (a pass's request line, written only at logLevel debug: off by default)",
      `${loop(r.peer.logWrite.loop)}; ${r.peer.logWrite.lineBytes} B per line; ` +
        `${(r.peer.logWrite.p50Share * 100).toFixed(0)}% of ours (cached) at p50 ` +
        `(median of ${r.peer.logWrite.p50Shares.length} rounds, own process next to ours in each)`,
      "—",
    ],
    [
      "Edge peak RSS under the warm loop (cached loop, own process)",
      memory(w.memory.cached),
      `≤ ${TARGETS.edgeMaxRssMb} MB ${mark(w.maxRssMb <= TARGETS.edgeMaxRssMb)} (limit ${TARGETS.edgeRssLimitMb} MB ${mark(w.maxRssMb <= TARGETS.edgeRssLimitMb)})`,
    ],
    ["Edge peak RSS, validation API loop (own process)", memory(w.memory.validateApi), "—"],
    ["Edge peak RSS, no-session loop (own process)", memory(w.memory.redirect), "—"],
    [
      "Peak RSS, cached loop in the paired rounds",
      `ours ${r.peer.oursMaxRssMb.toFixed(1)} MB, cognito-at-edge ${r.peer.maxRssMb.toFixed(1)} MB (the highest round of each)`,
      "—",
    ],
    ["Bare jose.jwtVerify (the ceiling)", loop(v.bareJose), "—"],
    [
      "Validator in-process (createValidator)",
      `${loop(v.inProcess)}; ${(v.inProcessVsBare * 100).toFixed(0)}% of bare's speed at p50, ` +
        `${(v.throughputVsBare * 100).toFixed(0)}% of its verifications/s (medians of ${v.inProcessVsBareRounds.length} rounds, called turn about, call by call, in one process)`,
      `≥ ${TARGETS.inProcessVsBare * 100}% ${mark(v.inProcessVsBare >= TARGETS.inProcessVsBare)}`,
    ],
    [
      "Validation API Lambda handler (dist/index.js: payload 2.0 event in, log line at the default level)",
      `${loop(v.handler.handler)}; ${(v.handler.vsBare * 100).toFixed(0)}% of bare's speed at p50, ` +
        `${(v.handler.throughputVsBare * 100).toFixed(0)}% of its calls/s (medians of ${v.handler.vsBareRounds.length} rounds, ` +
        `called turn about, call by call, in one 256 MB-flagged process; bare there: ${loop(v.handler.bareJose)}); peak RSS ${v.handler.maxRssMb.toFixed(1)} MB`,
      `≥ ${TARGETS.handlerVsBare * 100}% ${mark(v.handler.vsBare >= TARGETS.handlerVsBare)}`,
    ],
    [
      `Validation API over HTTP (autocannon, ${v.http.connections} connections)`,
      `p50 ${formatWholeMs(v.http.p50Ms)}, p99 ${formatWholeMs(v.http.p99Ms)}, ${formatRate(v.http.perSecond)}`,
      "—",
    ],
  ];
}

/** A Markdown table: readable on a terminal and pasted as is into the README. */
export function formatTable(r: BenchResults): string {
  const rows = tableRows(r);
  const header: Row = ["Measure", "Result", "Target"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map((row) => line(row)),
    "",
    `${r.date} · ${r.machine.cpu} (${r.machine.cores} cores) · Node ${r.machine.node} · ${r.machine.platform}/${r.machine.arch} · load average ${r.machine.loadAverage[0]} at the start · scale ${r.scale} · ${r.durationSeconds.toFixed(0)} s`,
  ].join("\n");
}
