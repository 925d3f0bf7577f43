// Finds the pnpm version pinned in package.json's `packageManager`, installing it into .tools/ with npm
// when the machine has another version or none. Used by `npm start` and `npm test` so a machine with only
// Node.js and npm works.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager.split("@")[1];

function versionOf(bin) {
  try {
    return execFileSync(bin, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

/**
 * Returns the pinned pnpm's path. When it is the one in .tools/, that folder also goes first on PATH:
 * turbo and pnpm's own scripts look `pnpm` up there.
 */
export function ensurePnpm() {
  const pnpm = findOrInstallPnpm();
  if (pnpm.includes("/")) process.env.PATH = `${dirname(pnpm)}${delimiter}${process.env.PATH}`;
  return pnpm;
}

function findOrInstallPnpm() {
  if (versionOf("pnpm") === pinned) return "pnpm";
  const local = join(root, ".tools", "node_modules", ".bin", "pnpm");
  if (existsSync(local) && versionOf(local) === pinned) return local;
  console.log(`> installing pnpm@${pinned} into .tools/ (one time)`);
  const r = spawnSync(
    "npm",
    ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", join(root, ".tools"), `pnpm@${pinned}`],
    {
      stdio: "inherit",
    },
  );
  if (r.status !== 0 || versionOf(local) !== pinned) {
    throw new Error(
      `could not install pnpm@${pinned} with npm; check that the npm registry is reachable and retry`,
    );
  }
  return local;
}

/** Runs a command in the repo root with inherited output; exits the process on failure. */
export function run(cmd, args, opts = {}) {
  console.log(`> ${[cmd.includes("/") ? "pnpm" : cmd, ...args].join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`\n✗ '${args.join(" ")}' failed (exit ${r.status ?? r.signal}). ${opts.hint ?? ""}`);
    process.exit(r.status || 1);
  }
}

export function install(pnpm) {
  const frozen = process.env.CI ? ["--frozen-lockfile"] : [];
  run(pnpm, ["install", ...frozen], {
    hint: "If the lockfile is out of date, run 'pnpm install' and commit pnpm-lock.yaml.",
  });
}
