import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertPortFree, freePort } from "./free-port.js";
import { createKeycloakAdmin, type KeycloakAdmin } from "./keycloak-admin.js";
import { KeycloakError } from "./keycloak-error.js";
import { findKeycloakInstall, type KeycloakDb } from "./keycloak-install.js";
import {
  buildRealmImport,
  type DemoRealm,
  noAudienceClientId,
  type RealmImportOptions,
  readDemoRealm,
} from "./realm-import.js";
import { type ProcessGroup, spawnProcessGroup } from "./spawn-process-group.js";
import { type RunningPostgres, startPostgres } from "./start-postgres.js";

export interface StartKeycloakOptions {
  /** HTTP port; the issuer is http://localhost:<port>/realms/<realm>. Default 8080. */
  port?: number;
  /**
   * Management port (readiness at /health/ready). Default 9000 with port 8080, else a free one.
   * `npm start` takes it from KC_MANAGEMENT_PORT.
   */
  managementPort?: number;
  /** PostgreSQL (as deployed) or Keycloak's embedded H2 file database (dev only). Default KEYCLOAK_DB or postgres. */
  db?: KeycloakDb;
  /** The realm definition; stack/realm/demo.json when absent. */
  realm?: DemoRealm;
  /** Where the site runs (redirect URIs follow it) and realm settings; see buildRealmImport. */
  realmOptions?: RealmImportOptions;
  /** Data folder kept between starts (database, log); a temp folder removed on stop when absent. */
  dataDir?: string;
  adminUser?: string;
  adminPassword?: string;
  /** Lines about what the start does beyond the usual (e.g. a left-over PostgreSQL being stopped). */
  onProgress?: (line: string) => void;
  /** Gets each line Keycloak prints (it is always written to <dataDir>/keycloak.log too). */
  onLog?: (line: string) => void;
  /** How long to wait for readiness. Default 180 s (a first start creates the schema). */
  readyTimeoutMs?: number;
}

export interface RunningKeycloak {
  readonly issuer: string;
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly adminUrl: string;
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly managementUrl: string;
  readonly db: KeycloakDb;
  /** The private PostgreSQL's port on 127.0.0.1 (db "postgres" only). */
  readonly postgresPort?: number;
  /** Milliseconds from spawning Keycloak to readiness, and to the realm being imported. */
  readonly timings: { readonly readyMs: number; readonly importMs: number };
  readonly pid: number;
  readonly admin: KeycloakAdmin;
  stop(): Promise<void>;
}

/**
 * Starts the real Keycloak prepared by stack/scripts/ensure-keycloak.mjs (optimized, no rebuild),
 * with its database, and imports the demo realm (or reconciles it with a kept database). stop() ends Keycloak
 * and PostgreSQL with nothing left running.
 */
export async function startKeycloak(options: StartKeycloakOptions = {}): Promise<RunningKeycloak> {
  const db = options.db ?? keycloakDbFromEnv();
  const status = findKeycloakInstall(db);
  if (!status.available) throw new KeycloakError("keycloak_unavailable", status.reason);
  const { home } = status.install;

  const port = options.port ?? 8080;
  // With a port other than the default (tests, a second stack), 9000 would collide: take a free one.
  const managementPort = options.managementPort ?? (port === 8080 ? 9000 : await freePort());
  await assertPortFree(
    port,
    "Keycloak",
    "Another Keycloak or stack is probably running: stop it, or choose another port.",
  );
  await assertPortFree(
    managementPort,
    "Keycloak's management interface (readiness at /health/ready)",
    "Stop what uses it, or choose another management port: KC_MANAGEMENT_PORT=<port> npm start -- --idp keycloak",
  );

  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "static-sso-keycloak-"));
  mkdirSync(dataDir, { recursive: true });
  // Traversable, so PostgreSQL (run as the 'postgres' user when we are root) reaches its folder.
  if (temporary) chmodSync(dataDir, 0o711);
  const realm = options.realm ?? readDemoRealm();
  const adminUser = options.adminUser ?? "admin";
  const adminPassword = options.adminPassword ?? "admin";
  const url = `http://localhost:${port}`;

  let postgres: RunningPostgres | undefined;
  let keycloak: ProcessGroup | undefined;
  const cleanup = async () => {
    await keycloak?.stop();
    await postgres?.stop();
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const dbArgs: string[] = [];
    if (db === "postgres") {
      postgres = await startPostgres({
        dataDir: join(dataDir, "postgres"),
        port: await freePort(),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      dbArgs.push(
        `--db-url=${postgres.jdbcUrl}`,
        `--db-username=${postgres.user}`,
        `--db-password=${postgres.password}`,
      );
    } else {
      // Each instance gets its own H2 file, not the shared one under the distribution's data/.
      dbArgs.push(`--db-url=jdbc:h2:file:${join(dataDir, "h2", "keycloakdb")};NON_KEYWORDS=VALUE`);
    }

    const log = createWriteStream(join(dataDir, "keycloak.log"), { flags: "a" });
    const tail: string[] = [];
    const onChunk = (chunk: Buffer) => {
      log.write(chunk);
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        options.onLog?.(line);
      }
    };

    const started = Date.now();
    keycloak = spawnProcessGroup(
      join(home, "bin", "kc.sh"),
      keycloakStartArgs({ port, managementPort, url, dbArgs }),
      {
        cwd: dataDir,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          // KC_MANAGEMENT_PORT is ours (npm start's), not a Keycloak option: kc.sh gets the flag instead.
          ...withoutKey(process.env, "KC_MANAGEMENT_PORT"),
          KC_BOOTSTRAP_ADMIN_USERNAME: adminUser,
          KC_BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
        },
      },
    );
    keycloak.child.stdout?.on("data", onChunk);
    keycloak.child.stderr?.on("data", onChunk);
    keycloak.exited.then(() => log.end());

    await waitForReady(
      `http://127.0.0.1:${managementPort}/health/ready`,
      keycloak,
      options.readyTimeoutMs ?? 180_000,
      tail,
    );
    const readyMs = Date.now() - started;

    const admin = createKeycloakAdmin({ url, user: adminUser, password: adminPassword });
    await importRealm(admin, buildRealmImport(realm, options.realmOptions));
    const importMs = Date.now() - started;

    const pid = keycloak.child.pid ?? 0;
    let stopping: Promise<void> | undefined;
    return {
      issuer: `${url}/realms/${realm.realm}`,
      url,
      clientId: realm.client.clientId,
      clientSecret: realm.client.clientSecret,
      adminUrl: `${url}/admin/master/console/`,
      adminUser,
      adminPassword,
      managementUrl: `http://localhost:${managementPort}`,
      db,
      ...(postgres ? { postgresPort: postgres.port } : {}),
      timings: { readyMs, importMs },
      pid,
      admin,
      stop() {
        stopping ??= cleanup();
        return stopping;
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * kc.sh start's arguments: the optimized build (no rebuild), HTTP on 127.0.0.1 only (the management
 * interface inherits the host), and a local cache. `--cache` is a run-time option (kc.sh build ignores
 * it); without it Keycloak 26 starts clustered (ispn cache, JGroups jdbc-ping discovery through the
 * database), listening for cluster members on the LAN address and on all interfaces (7800, 57800).
 */
export function keycloakStartArgs(o: {
  port: number;
  managementPort: number;
  url: string;
  dbArgs: string[];
}): string[] {
  return [
    "start",
    "--optimized",
    "--cache=local",
    "--http-enabled=true",
    "--http-host=127.0.0.1",
    `--http-port=${o.port}`,
    `--http-management-port=${o.managementPort}`,
    `--hostname=${o.url}`,
    "--hostname-strict=false",
    ...o.dbArgs,
  ];
}

function withoutKey(env: NodeJS.ProcessEnv, key: string): NodeJS.ProcessEnv {
  const { [key]: _, ...rest } = env;
  return rest;
}

/** `KEYCLOAK_DB=dev-file npm start -- --idp keycloak` picks the faster embedded database. */
function keycloakDbFromEnv(): KeycloakDb {
  const value = process.env.KEYCLOAK_DB ?? "postgres";
  if (value !== "postgres" && value !== "dev-file") {
    throw new KeycloakError(
      "keycloak_start_failed",
      `KEYCLOAK_DB must be postgres or dev-file, not '${value}'`,
    );
  }
  return value;
}

async function waitForReady(
  readyUrl: string,
  keycloak: ProcessGroup,
  timeoutMs: number,
  tail: string[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | string | undefined;
  keycloak.exited.then((code) => {
    exited = code;
  });
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      throw new KeycloakError(
        "keycloak_start_failed",
        `Keycloak exited (${exited}) before it was ready. Last lines:\n${tail.slice(-15).join("\n")}`,
      );
    }
    try {
      const response = await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new KeycloakError(
    "keycloak_start_failed",
    `Keycloak was not ready within ${timeoutMs / 1000} s (${readyUrl}). Last lines:\n${tail.slice(-15).join("\n")}`,
  );
}

/**
 * Imports the realm, or, when a kept database has it already, brings it in line with the definition:
 * realm settings, and the clients overwritten (redirect URIs follow the site URL); roles and users
 * that exist are kept (their sessions and any changes made in the admin console stay).
 */
async function importRealm(admin: KeycloakAdmin, realm: Record<string, unknown>): Promise<void> {
  const realms = await admin.request<Array<{ realm: string }>>("GET", "/admin/realms");
  if (!realms.some((r) => r.realm === realm.realm)) {
    await admin.request("POST", "/admin/realms", realm);
    return;
  }
  const { clients, roles, users, ...settings } = realm;
  const path = `/admin/realms/${encodeURIComponent(String(realm.realm))}`;
  await admin.request("PUT", path, settings);
  await admin.request("POST", `${path}/partialImport`, { ifResourceExists: "OVERWRITE", clients });
  await admin.request("POST", `${path}/partialImport`, { ifResourceExists: "SKIP", roles, users });
  // A kept database may hold the tests' client from an earlier version of this import: not wanted here.
  const wanted = new Set((clients as Array<{ clientId: string }>).map((c) => c.clientId));
  if (!wanted.has(noAudienceClientId)) {
    const found = await admin.request<Array<{ id: string }>>(
      "GET",
      `${path}/clients?clientId=${encodeURIComponent(noAudienceClientId)}`,
    );
    for (const client of found) await admin.request("DELETE", `${path}/clients/${client.id}`);
  }
}
