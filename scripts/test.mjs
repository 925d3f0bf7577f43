// `npm test`: gets the pinned pnpm, installs, then runs lint, typecheck, build and every test, and
// prints one closing line `N passed, N failed, N skipped`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ensurePnpm, install, root, run } from "./pnpm.mjs";

const started = Date.now();
const pnpm = ensurePnpm();
install(pnpm);
run(pnpm, ["run", "lint"], { hint: "Run 'pnpm format' to fix formatting, then look at what remains." });
run(pnpm, ["run", "typecheck"]);
run(pnpm, ["run", "build"]);

// Set-up steps that later tiers need (Debian's chromium for the browser tests, the Keycloak
// distribution and PostgreSQL for the real-IdP tier). Each prints its progress and says what to do
// when it cannot.
for (const step of ["stack/scripts/ensure-chromium.mjs", "stack/scripts/ensure-keycloak.mjs"]) {
  if (existsSync(join(root, step))) run(process.execPath, [step]);
}

mkdirSync(join(root, "test-results"), { recursive: true });
const report = join(root, "test-results", "vitest.json");
const args = [
  "exec",
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
];
console.log(`> pnpm ${args.join(" ")}`);
const r = spawnSync(pnpm, args, { stdio: "inherit", cwd: root });

let summary = "0 passed, 1 failed";
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, "utf8"));
  // A file that fails to load counts as a failure even though none of its tests ran.
  let failed = j.numFailedTests || j.numFailedTestSuites || 0;
  if (r.status !== 0 && failed === 0) failed = 1;
  summary = `${j.numPassedTests} passed, ${failed} failed, ${j.numPendingTests + (j.numTodoTests ?? 0)} skipped`;
}
console.log(`\nwall time ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(summary);
process.exit(r.status === 0 ? 0 : 1);
