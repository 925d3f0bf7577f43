// The session-check part of the bench alone: `node --import tsx src/run-session-check.ts` (BENCH_SCALE
// as for `pnpm bench`). Prints its table rows; writes nothing.
import { sessionCheckRows } from "./format-table.js";
import { measureSessionCheck } from "./measure-session-check.js";
import { scaleFor } from "./scale.js";

const results = await measureSessionCheck(scaleFor(process.env.BENCH_SCALE));
for (const row of sessionCheckRows(results)) console.log(`| ${row.join(" | ")} |`);
