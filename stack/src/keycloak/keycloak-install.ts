import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import dist from "./keycloak-dist.json" with { type: "json" };

export type KeycloakDb = "postgres" | "dev-file";

export interface KeycloakInstall {
  /** The unpacked, built distribution (its bin/kc.sh is what runs). */
  readonly home: string;
  readonly version: string;
  readonly db: KeycloakDb;
}

export type KeycloakInstallStatus =
  | { readonly available: true; readonly install: KeycloakInstall }
  | { readonly available: false; readonly reason: string };

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const keycloakCacheDir = join(repoRoot, ".cache", "keycloak");
export const keycloakVersion: string = dist.version;

const prepare = "node stack/scripts/ensure-keycloak.mjs";
/** What the Keycloak tier needs from the system, for Debian and Ubuntu. */
const INSTALL_HINT =
  "Install Java 17+ and Maven (Debian: sudo apt-get install openjdk-17-jre-headless maven)";

/**
 * Where the distribution prepared by stack/scripts/ensure-keycloak.mjs is, or why there is none.
 * The build marker must hold exactly the options in keycloak-dist.json, else the build is stale.
 */
export function findKeycloakInstall(db: KeycloakDb = "postgres"): KeycloakInstallStatus {
  const home = join(keycloakCacheDir, `keycloak-${dist.version}-${db}`);
  const marker = join(home, ".static-sso-build.json");
  const wanted = JSON.stringify({ version: dist.version, options: dist.buildOptions[db] });
  const java = javaProblem();
  if (java) return { available: false, reason: java };
  if (existsSync(marker) && readFileSync(marker, "utf8") === wanted) {
    return { available: true, install: { home, version: dist.version, db } };
  }
  if (spawnSync("mvn", ["-v"], { stdio: "ignore" }).status !== 0) {
    return { available: false, reason: `Maven ('mvn') is not installed. ${INSTALL_HINT}` };
  }
  return {
    available: false,
    reason: `Keycloak ${dist.version} (${db}) is not downloaded and built yet: run ${prepare}${db === "postgres" ? "" : ` --db ${db}`}`,
  };
}

function javaProblem(): string | undefined {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
  const r = spawnSync(java, ["-version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    return `Java 17+ is not installed ('${java}' could not be run). ${INSTALL_HINT}`;
  }
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  const major = m ? Number(m[1] === "1" ? m[2] : m[1]) : 0;
  return major >= 17
    ? undefined
    : `Keycloak needs Java 17+, '${java}' is Java ${major}. ${INSTALL_HINT}, or set JAVA_HOME to a JDK 17+`;
}
