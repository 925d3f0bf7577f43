// `pnpm build`: writes the CloudFront Function for the demo site (site-rules.json, or --rules FILE) to
// dist/session-check.js exactly as it is uploaded, and prints its size. Fails over CloudFront's 10 KB.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildSessionCheck, FUNCTION_CODE_LIMIT_BYTES, FUNCTION_CODE_TARGET_BYTES } from "../src/build.js";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    rules: { type: "string", default: join(pkgDir, "site-rules.json") },
    out: { type: "string", default: join(pkgDir, "dist", "session-check.js") },
  },
});
const rulesFile = resolve(values.rules);
const out = resolve(values.out);

try {
  const built = await buildSessionCheck(JSON.parse(readFileSync(rulesFile, "utf8")));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, built.code);
  const shown = relative(process.cwd(), out);
  const kb = (built.bytes / 1024).toFixed(1);
  console.log(
    `${shown}: ${built.bytes} B (${kb} KiB; CloudFront's limit ${FUNCTION_CODE_LIMIT_BYTES} B, ours ${FUNCTION_CODE_TARGET_BYTES} B)`,
  );
  if (built.bytes > FUNCTION_CODE_LIMIT_BYTES) {
    console.error(`✗ over CloudFront's function size limit by ${built.bytes - FUNCTION_CODE_LIMIT_BYTES} B`);
    process.exit(1);
  }
} catch (error) {
  console.error(
    `✗ session-check build failed (${relative(process.cwd(), rulesFile)}): ${(error as Error).message}`,
  );
  process.exit(1);
}
