import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { assertPortFree, freePort } from "../free-port.js";
import { KeycloakError } from "./keycloak-error.js";

/**
 * PostgreSQL's binaries: PG_BIN_DIR, else Debian's /usr/lib/postgresql/<major>/bin (15 preferred, as
 * the seed ran; otherwise the newest installed, e.g. 16 on Ubuntu 24.04 runners; Keycloak 26 supports 13+).
 */
export function findPostgresBinDir(): string | undefined {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const base = "/usr/lib/postgresql";
  const majors = existsSync(base)
    ? readdirSync(base)
        .map(Number)
        .filter((n) => n >= 13 && existsSync(join(base, String(n), "bin", "pg_ctl")))
        .sort((a, b) => (a === 15 ? -1 : b === 15 ? 1 : b - a))
    : [];
  return majors.length > 0 ? join(base, String(majors[0]), "bin") : undefined;
}

export interface StartPostgresOptions {
  /** Data folder, kept between runs; a fresh temp folder (removed on stop) when absent. */
  dataDir?: string;
  /** TCP port on 127.0.0.1; a free one when absent. */
  port?: number;
  /** Lines about what the start does beyond the usual (a left-over server being stopped). */
  onProgress?: (line: string) => void;
}

export interface RunningPostgres {
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
  readonly jdbcUrl: string;
  stop(): Promise<void>;
}

const database = "keycloak";
const user = "keycloak";
const password = "keycloak-local";

/**
 * A private PostgreSQL for Keycloak (the seed's second container): its own data folder, listening
 * only on 127.0.0.1 at a free port, its unix socket in its own folder. initdb refuses to run as
 * root, so as root the server runs as the `postgres` user Debian's package creates.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<RunningPostgres> {
  const postgresBinDir = findPostgresBinDir();
  if (!postgresBinDir || !existsSync(join(postgresBinDir, "pg_ctl"))) {
    throw new KeycloakError(
      "postgres_start_failed",
      "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/pg_ctl): run node stack/scripts/ensure-keycloak.mjs, or use KEYCLOAK_DB=dev-file",
    );
  }
  const temporary = options.dataDir === undefined;
  const base = options.dataDir ?? mkdtempSync(join(tmpdir(), "static-sso-pg-"));
  const dataDir = join(base, "data");
  const socketDir = join(base, "socket");
  const port = options.port ?? (await freePort());
  await assertPortFree(port, "PostgreSQL", "Stop what uses it or pick another port.");

  const owner = runAsOwner();
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  if (owner) chownTree(base, owner);
  // Every pg_ctl runs in a session of its own (setsid): a second Ctrl-C at the terminal, which reaches
  // the whole foreground process group, must not kill a `pg_ctl stop` half way (the server would stay).
  const pgCommand = (tool: string, args: string[]): [string, string[]] =>
    SETSID ? [SETSID, ["--wait", join(postgresBinDir, tool), ...args]] : [join(postgresBinDir, tool), args];
  const pg = (tool: string, args: string[]) => {
    const [command, argv] = pgCommand(tool, args);
    const r = spawnSync(command, argv, { encoding: "utf8", ...(owner ?? {}) });
    if (r.status !== 0) {
      throw new KeycloakError("postgres_start_failed", `${tool} failed: ${(r.stderr || r.stdout).trim()}`);
    }
    return r.stdout;
  };
  const stopServer = (mode: "fast" | "immediate") => {
    const [command, argv] = pgCommand("pg_ctl", ["stop", "-w", "-m", mode, "-D", dataDir]);
    return spawnSync(command, argv, { encoding: "utf8", ...(owner ?? {}) });
  };

  stopLeftOverServer(dataDir, postgresBinDir, owner, stopServer, options.onProgress);

  const fresh = !existsSync(join(dataDir, "PG_VERSION"));
  if (fresh) {
    const pwfile = join(base, "pwfile");
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (owner) chownSync(pwfile, owner.uid, owner.gid);
    pg("initdb", [
      "-D",
      dataDir,
      "-U",
      user,
      `--pwfile=${pwfile}`,
      "--auth=scram-sha-256",
      "-E",
      "UTF8",
      "--no-sync",
    ]);
    rmSync(pwfile);
  }
  // A crashed parent must not leave the server running (registered before the start: a start cut short
  // by a signal may still have launched the server).
  const onExit = () => stopServer("immediate");
  process.once("exit", onExit);
  const serverOptions = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${socketDir} -c fsync=off`;
  try {
    pg("pg_ctl", [
      "start",
      "-w",
      "-t",
      "60",
      "-D",
      dataDir,
      "-l",
      join(base, "postgres.log"),
      "-o",
      serverOptions,
    ]);
  } catch (error) {
    process.off("exit", onExit);
    throw error;
  }

  try {
    if (fresh) {
      const env = { ...process.env, PGPASSWORD: password };
      const r = spawnSync(
        join(postgresBinDir, "createdb"),
        ["-h", "127.0.0.1", "-p", String(port), "-U", user, database],
        { encoding: "utf8", env },
      );
      if (r.status !== 0)
        throw new KeycloakError("postgres_start_failed", `createdb failed: ${r.stderr.trim()}`);
    }
  } catch (error) {
    stopServer("immediate");
    throw error;
  }

  let stopped = false;
  return {
    port,
    database,
    user,
    password,
    jdbcUrl: `jdbc:postgresql://127.0.0.1:${port}/${database}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off("exit", onExit);
      await new Promise<void>((resolve) => {
        // Detached (a process group of its own): Ctrl-C pressed again while stopping does not reach it.
        const child = spawn(join(postgresBinDir, "pg_ctl"), ["stop", "-w", "-m", "fast", "-D", dataDir], {
          stdio: "ignore",
          detached: true,
          ...(owner ?? {}),
        });
        child.once("exit", () => resolve());
        child.once("error", () => resolve());
      });
      if (temporary) rmSync(base, { recursive: true, force: true });
    },
  };
}

const SETSID = ["/usr/bin/setsid", "/bin/setsid"].find((path) => existsSync(path));

/**
 * A kept data folder whose postmaster.pid names a running server: a start cut short, or a stop that
 * was killed (Ctrl-C pressed twice used to do that). That server is ours (this folder is private), so
 * it is stopped; if it cannot be, the start fails saying which server it is and how to stop it,
 * instead of pg_ctl's "another server might be running".
 */
function stopLeftOverServer(
  dataDir: string,
  postgresBinDir: string,
  owner: { uid: number; gid: number } | undefined,
  stopServer: (mode: "fast" | "immediate") => SpawnSyncReturns<string>,
  onProgress: ((line: string) => void) | undefined,
): void {
  const pidFile = join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = readFileSync(pidFile, "utf8").split("\n")[0]?.trim();
  // pg_ctl status: 0 = a server is running on this folder, 3 = none (the pid file is stale; postgres
  // itself removes a stale one at start).
  const status = spawnSync(join(postgresBinDir, "pg_ctl"), ["status", "-D", dataDir], {
    encoding: "utf8",
    ...(owner ?? {}),
  });
  if (status.status !== 0) return;
  onProgress?.(`PostgreSQL from an earlier start is still running on ${dataDir} (pid ${pid}): stopping it`);
  let stopped = stopServer("fast");
  if (stopped.status !== 0) stopped = stopServer("immediate");
  if (stopped.status !== 0) {
    throw new KeycloakError(
      "postgres_start_failed",
      `a PostgreSQL server from an earlier start (pid ${pid}) is still running on ${dataDir} and could not be stopped: ${(stopped.stderr || stopped.stdout || "").trim()}. Stop it with '${join(postgresBinDir, "pg_ctl")} stop -D ${dataDir}'${owner ? " as the postgres user" : ""}, or delete ${dirname(dataDir)}`,
    );
  }
}

function runAsOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((line) => line.startsWith("postgres:"));
  const [, , uid, gid] = passwd?.split(":") ?? [];
  if (!uid || !gid) {
    throw new KeycloakError(
      "postgres_start_failed",
      "running as root, and there is no 'postgres' user to run PostgreSQL as (initdb refuses root)",
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function chownTree(path: string, owner: { uid: number; gid: number }): void {
  spawnSync("chown", ["-R", `${owner.uid}:${owner.gid}`, path]);
}
