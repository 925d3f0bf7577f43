#!/usr/bin/env node
// Prepares the real-Keycloak tier: checks Java 17+ and Maven, gets the pinned Keycloak server
// distribution from Maven Central into .cache/keycloak/ (reused on later runs), unpacks it, runs
// `kc.sh build` once per database kind, and makes sure PostgreSQL 15's binaries are there.
//
//   node stack/scripts/ensure-keycloak.mjs [--db postgres|dev-file|all] [--required]
//   (--db default: $KEYCLOAK_DB or postgres)
//
// Without Java or Maven this is an error when CI is set (the tier must run there) or with --required
// (`npm start -- --idp keycloak` asks for Keycloak); otherwise it prints that the tier will be skipped
// and why, and exits 0. The tests find the same reason themselves.
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dist = JSON.parse(readFileSync(join(root, "stack", "src", "keycloak", "keycloak-dist.json"), "utf8"));
export const KEYCLOAK_VERSION = dist.version;
export const cacheDir = join(root, ".cache", "keycloak");
const artifact = dist.artifact;
const tarball = join(cacheDir, `keycloak-quarkus-dist-${KEYCLOAK_VERSION}.tar.gz`);

/** Build-time options per database kind; changing them triggers a rebuild (the marker holds them). */
export const buildOptions = dist.buildOptions;

const log = (line) => console.log(`[keycloak] ${line}`);

class MissingTool extends Error {}

function javaBinary() {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
}

function checkJava() {
  const java = javaBinary();
  const r = spawnSync(java, ["-version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new MissingTool(
      `Java 17 or newer is needed to run Keycloak and '${java}' could not be run. ` +
        "Install it (Debian: sudo apt-get install openjdk-17-jre-headless maven) or set JAVA_HOME to a JDK 17+.",
    );
  }
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr + r.stdout);
  const major = m ? Number(m[1] === "1" ? m[2] : m[1]) : 0;
  if (major < 17) {
    throw new MissingTool(
      `Keycloak ${KEYCLOAK_VERSION} needs Java 17 or newer; '${java}' is Java ${major || "(unknown)"}. ` +
        "Install OpenJDK 17+ (Debian: sudo apt-get install openjdk-17-jre-headless maven) or set JAVA_HOME to one.",
    );
  }
  return { java, major };
}

function checkMaven() {
  const r = spawnSync("mvn", ["-v"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new MissingTool(
      "Maven ('mvn') is needed to download the Keycloak distribution from Maven Central. " +
        "Install it (Debian: sudo apt-get install maven).",
    );
  }
}

function download() {
  if (existsSync(tarball) && statSync(tarball).size > 0) {
    log(`distribution already in ${tarball} (${mb(statSync(tarball).size)}), not downloading again`);
    return;
  }
  mkdirSync(cacheDir, { recursive: true });
  log(`downloading ${artifact} from Maven Central into ${cacheDir} (about 176 MB, once)`);
  const r = spawnSync(
    "mvn",
    [
      // On a terminal Maven shows its transfer progress; in CI logs (no terminal) batch mode prints
      // one line when the download starts and one when it ends.
      ...(process.env.CI || !process.stdout.isTTY ? ["-B"] : []),
      "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy",
      `-Dartifact=${artifact}`,
      `-DoutputDirectory=${cacheDir}`,
    ],
    { stdio: ["ignore", "inherit", "inherit"], cwd: cacheDir },
  );
  if (r.status !== 0 || !existsSync(tarball)) {
    throw new Error(
      `Maven could not download ${artifact} (exit ${r.status}). Check the network access to ` +
        "https://repo.maven.apache.org and any proxy in ~/.m2/settings.xml, then run this again.",
    );
  }
  log(`downloaded ${mb(statSync(tarball).size)}`);
}

/** The unpacked distribution for one database kind: each optimized build is bound to its db. */
export function keycloakHome(db) {
  return join(cacheDir, `keycloak-${KEYCLOAK_VERSION}-${db}`);
}

function unpack(db) {
  const home = keycloakHome(db);
  if (existsSync(join(home, "bin", "kc.sh"))) return home;
  log(`unpacking into ${home}`);
  const tmp = `${home}.unpacking`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const r = spawnSync("tar", ["-xzf", tarball, "-C", tmp, "--strip-components=1"], { stdio: "inherit" });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`could not unpack ${tarball}; delete it and run this again to download it anew`);
  }
  renameSync(tmp, home);
  return home;
}

export function buildMarker(db) {
  return join(keycloakHome(db), ".static-sso-build.json");
}

function build(db) {
  const home = unpack(db);
  const options = buildOptions[db];
  const marker = buildMarker(db);
  const wanted = JSON.stringify({ version: KEYCLOAK_VERSION, options });
  if (existsSync(marker) && readFileSync(marker, "utf8") === wanted) {
    log(`${db} build already done (${options.join(" ")})`);
    return;
  }
  log(`kc.sh build ${options.join(" ")} (once; takes a minute)`);
  const started = Date.now();
  const r = spawnSync(join(home, "bin", "kc.sh"), ["build", ...options], {
    stdio: ["ignore", "inherit", "inherit"],
    env: process.env,
  });
  if (r.status !== 0) throw new Error(`kc.sh build failed (exit ${r.status}); see its output above`);
  writeFileSync(marker, wanted);
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Same rule as findPostgresBinDir in stack/src/keycloak/start-postgres.ts: 15 preferred, else the newest 13+. */
function findPostgresBinDir() {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base)
    .map(Number)
    .filter((n) => n >= 13 && existsSync(join(base, String(n), "bin", "pg_ctl")))
    .sort((a, b) => (a === 15 ? -1 : b === 15 ? 1 : b - a));
  return majors.length > 0 ? join(base, String(majors[0]), "bin") : undefined;
}

function ensurePostgres() {
  const found = findPostgresBinDir();
  if (found) {
    log(`PostgreSQL binaries found in ${found}`);
    return;
  }
  log("PostgreSQL is missing: installing Debian's postgresql package");
  const sudo = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = (args) => {
    const [cmd, ...rest] = [...sudo, "apt-get", ...args];
    return spawnSync(cmd, rest, { stdio: "inherit", env });
  };
  apt(["update"]);
  const r = apt(["install", "-y", "--no-install-recommends", "postgresql"]);
  if (r.status !== 0 || !findPostgresBinDir()) {
    throw new Error(
      "could not install PostgreSQL (expected /usr/lib/postgresql/<version>/bin/pg_ctl). " +
        "Install it yourself (sudo apt-get install postgresql), or use KEYCLOAK_DB=dev-file.",
    );
  }
}

/** Decimal megabytes (10^6 bytes), as the README's sizes are given. */
function mb(bytes) {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function main() {
  const dbArg = process.argv.includes("--db")
    ? process.argv[process.argv.indexOf("--db") + 1]
    : (process.env.KEYCLOAK_DB ?? "postgres");
  const dbs = dbArg === "all" ? ["postgres", "dev-file"] : [dbArg];
  for (const db of dbs) {
    if (!buildOptions[db]) throw new Error(`--db must be postgres, dev-file or all, not '${db}'`);
  }
  let java;
  try {
    java = checkJava();
    checkMaven();
  } catch (e) {
    if (!(e instanceof MissingTool)) throw e;
    if (process.env.CI || process.argv.includes("--required")) {
      console.error(`[keycloak] ERROR: ${e.message}`);
      console.error(
        process.env.CI
          ? "[keycloak] CI is set, so the real-Keycloak tier must run: failing."
          : "[keycloak] --idp keycloak needs it; the embedded IdP (npm start without --idp) needs only Node.js.",
      );
      process.exit(1);
    }
    log(`the Keycloak tier will be skipped: ${e.message}`);
    return;
  }
  log(`Java ${java.major} (${java.java}), Maven found; Keycloak ${KEYCLOAK_VERSION}`);
  download();
  for (const db of dbs) build(db);
  if (dbs.includes("postgres")) ensurePostgres();
  log("ready");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main();
  } catch (e) {
    console.error(`[keycloak] ERROR: ${e.message}`);
    process.exit(1);
  }
}
