// `pnpm bench`: every measure in one run; the table on stdout, the figures in bench/results.json.
// BENCH_SCALE=tiny gives the smoke test's few-second run (its figures mean nothing).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatTable } from "./format-table.js";
import { BENCH_DIR } from "./paths.js";
import { runBench } from "./run-bench.js";
import { scaleFor } from "./scale.js";

const scale = scaleFor(process.env.BENCH_SCALE);
const results = await runBench({ scale: scale.name });
const out = process.env.BENCH_RESULTS ?? join(BENCH_DIR, "results.json");
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(formatTable(results));
console.log(`\nwritten to ${out}`);
