// The bench's validation rows alone, without the rest of `pnpm bench`: createValidator in this process
// and the validation API's Lambda handler (dist/index.js) in a child, each against bare jose.jwtVerify.
// `node --import tsx src/run-validate-handler.ts` after `pnpm --filter @static-sso/validate-api build`
// (BENCH_SCALE=tiny for a smoke run; BENCH_VALIDATE_API_DIST=<dir> for another build's dist/index.js).
// Prints the rows and their rounds; writes nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBenchIdentity } from "./bench-identity.js";
import type { LoopResult } from "./children/measure-loop.mjs";
import { measureValidatorVsBare } from "./measure-validate-api.js";
import { measureValidateHandler } from "./measure-validate-handler.js";
import { scaleFor } from "./scale.js";

const scale = scaleFor(process.env.BENCH_SCALE);
const workDir = mkdtempSync(join(tmpdir(), "static-sso-bench-"));
const identity = await startBenchIdentity();
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const us = (l: LoopResult) =>
  `p50 ${(l.p50Ms * 1000).toFixed(0)} µs, p99 ${(l.p99Ms * 1000).toFixed(0)} µs, ${l.perSecond.toFixed(0)}/s`;
try {
  const token = await identity.signUserToken(0);
  const loop = { warmupMs: scale.warmupMs, loopMs: scale.pairLoopMs, maxIterations: scale.maxIterations };
  console.log(
    `scale ${scale.name}: ${scale.pairRounds} rounds, each ~${scale.pairLoopMs} ms of calls per side, ` +
      "ours and bare jose called turn about in one process",
  );
  const v = await measureValidatorVsBare(identity, token, loop, scale.pairRounds);
  console.log(`createValidator (median round): ${us(v.inProcess)}; bare there: ${us(v.bareJose)}`);
  console.log(
    `  vs bare at p50: ${pct(v.inProcessVsBare)} (rounds ${v.inProcessVsBareRounds.map(pct).join(", ")}); ` +
      `calls/s: ${pct(v.throughputVsBare)} (rounds ${v.throughputVsBareRounds.map(pct).join(", ")})`,
  );
  const h = await measureValidateHandler(identity, token, loop, scale.pairRounds, workDir);
  console.log(
    `handler (median round): ${us(h.handler)}; bare there: ${us(h.bareJose)}; peak RSS ${h.maxRssMb.toFixed(1)} MB`,
  );
  console.log(
    `  vs bare at p50: ${pct(h.vsBare)} (rounds ${h.vsBareRounds.map(pct).join(", ")}); ` +
      `calls/s: ${pct(h.throughputVsBare)} (rounds ${h.throughputVsBareRounds.map(pct).join(", ")})`,
  );
} finally {
  await identity.close();
  rmSync(workDir, { recursive: true, force: true });
}
