#!/usr/bin/env node
// Makes sure Debian's chromium is at /usr/bin/chromium for the browser tests (playwright-core drives it;
// no browser is ever downloaded by playwright). Installs it with apt-get when missing, with sudo when
// not root. Prints what it does, and what to do when it cannot.
//
//   node stack/scripts/ensure-chromium.mjs
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const log = (line) => console.log(`[chromium] ${line}`);

function version() {
  const r = spawnSync(CHROMIUM, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

if (existsSync(CHROMIUM)) {
  log(`${version() ?? "chromium"} at ${CHROMIUM}`);
  process.exit(0);
}

const isRoot = process.getuid?.() === 0;
const hasSudo = spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
const hasApt = spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
if (!hasApt || (!isRoot && !hasSudo)) {
  console.error(
    `[chromium] ✗ ${CHROMIUM} is missing and cannot be installed here (${hasApt ? "not root and no password-less sudo" : "no apt-get"}).\n` +
      "  The browser tests need Chromium. Install it yourself, e.g. 'sudo apt-get install -y chromium' on Debian/Ubuntu,\n" +
      "  or point CHROMIUM_PATH at a Chromium/Chrome binary, then run the tests again.",
  );
  process.exit(1);
}

const run = (args) => {
  const [cmd, ...rest] = isRoot ? args : ["sudo", "-n", ...args];
  log(`> ${[cmd, ...rest].join(" ")}`);
  const r = spawnSync(cmd, rest, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (r.status !== 0) {
    console.error(
      `[chromium] ✗ '${args.join(" ")}' failed (exit ${r.status ?? r.signal}). Check that the Debian mirrors are reachable, ` +
        "or install chromium by hand ('sudo apt-get install -y chromium') and run the tests again.",
    );
    process.exit(1);
  }
};

log(`${CHROMIUM} is missing: installing Debian's chromium (one time, about 100 MB)…`);
const started = Date.now();
run(["apt-get", "update", "-q"]);
run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]);
if (!existsSync(CHROMIUM)) {
  console.error(`[chromium] ✗ apt-get finished but ${CHROMIUM} is still missing; install chromium by hand.`);
  process.exit(1);
}
log(`installed ${version() ?? "chromium"} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
