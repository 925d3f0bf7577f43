// The validation API's Lambda handler vs bare jose.jwtVerify alone, without the rest of `pnpm bench`:
// `node --import tsx src/run-validate-handler.ts` after `pnpm --filter @static-sso/validate-api build`
// (BENCH_SCALE=tiny for a smoke run). Prints the row and the rounds; writes nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBenchIdentity } from "./bench-identity.js";
import { measureValidateHandler } from "./measure-validate-handler.js";
import { scaleFor } from "./scale.js";

const scale = scaleFor(process.env.BENCH_SCALE);
const workDir = mkdtempSync(join(tmpdir(), "static-sso-bench-"));
const identity = await startBenchIdentity();
try {
  const token = await identity.signUserToken(0);
  const loop = { warmupMs: scale.warmupMs, loopMs: scale.pairLoopMs, maxIterations: scale.maxIterations };
  const r = await measureValidateHandler(identity, token, loop, scale.pairRounds, workDir);
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const ms = (l: typeof r.handler) =>
    `p50 ${l.p50Ms.toFixed(3)} ms, p99 ${l.p99Ms.toFixed(3)} ms, ${l.perSecond.toFixed(0)}/s`;
  console.log(`scale ${scale.name}, ${scale.pairRounds} alternating rounds of ${scale.pairLoopMs} ms`);
  console.log(`handler (median round): ${ms(r.handler)}; peak RSS ${r.maxRssMb.toFixed(1)} MB`);
  console.log(`bare jose (median round): ${ms(r.bareJose)}`);
  console.log(`handler vs bare at p50: ${pct(r.vsBare)} (rounds ${r.vsBareRounds.map(pct).join(", ")})`);
  console.log(
    `calls/s vs bare: ${pct(r.throughputVsBare)} (rounds ${r.throughputVsBareRounds.map(pct).join(", ")})`,
  );
} finally {
  await identity.close();
  rmSync(workDir, { recursive: true, force: true });
}
