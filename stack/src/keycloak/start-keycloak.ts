import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertPortFree, freePort } from "../free-port.js";
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
  /**
   * Start as the first node of a cluster that more nodes join with startNode(): Keycloak's production
   * cache (ispn, JDBC_PING discovery through the shared PostgreSQL) with its cluster transport on
   * 127.0.0.1 only. Default false: a local cache, no cluster ports at all (`npm start`).
   */
  cluster?: boolean;
}

export interface StartNodeOptions {
  /** HTTP port of the new node; a free one when absent. */
  port?: number;
  /** Management port of the new node; a free one when absent. */
  managementPort?: number;
  onLog?: (line: string) => void;
  readyTimeoutMs?: number;
}

/** One more Keycloak process of a cluster, on the first node's database. */
export interface KeycloakNode {
  /** Where this node answers. Its issuer is the first node's, as for nodes behind one load balancer. */
  readonly url: string;
  readonly managementUrl: string;
  /** The cluster transport's port on 127.0.0.1. */
  readonly clusterPort: number;
  /** Milliseconds from spawning this node to its readiness. */
  readonly readyMs: number;
  readonly pid: number;
  /** This node's cluster address and the members of the last cluster view it logged. */
  cluster(): ClusterState;
  stop(): Promise<void>;
}

export interface ClusterState {
  /** The node's JGroups address (ISPN000079), undefined before the channel started. */
  readonly address: string | undefined;
  /** Where the node's cluster transport listens, as `host:port` (ISPN000079). */
  readonly physicalAddresses: readonly string[];
  /** Members of the last cluster view the node logged (ISPN000094), empty before one. */
  readonly members: readonly string[];
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
  /** The cluster transport's port on 127.0.0.1, when started with `cluster: true`. */
  readonly clusterPort?: number;
  cluster(): ClusterState;
  /**
   * Starts one more node on the same database (needs `cluster: true`), joining this node's cluster.
   * stop() on this node also stops the nodes started here.
   */
  startNode(options?: StartNodeOptions): Promise<KeycloakNode>;
  /** Stops this node, the nodes started with startNode(), and PostgreSQL. */
  stop(): Promise<void>;
}

/**
 * Starts the real Keycloak prepared by stack/scripts/ensure-keycloak.mjs (optimized, no rebuild),
 * with its database, and imports the demo realm (or reconciles it with a kept database). stop() ends Keycloak
 * and PostgreSQL with nothing left running.
 */
export async function startKeycloak(options: StartKeycloakOptions = {}): Promise<RunningKeycloak> {
  const db = options.db ?? keycloakDbFromEnv();
  if (options.cluster && db !== "postgres") {
    // The nodes find each other through a table of the shared database; an H2 file is one process's.
    throw new KeycloakError("keycloak_start_failed", "a Keycloak cluster needs db postgres, not dev-file");
  }
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
  let keycloak: SpawnedKeycloak | undefined;
  const nodes = new Set<KeycloakNode>();
  const cleanup = async () => {
    await Promise.all([...nodes].map((node) => node.stop()));
    await keycloak?.process.stop();
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

    const cluster = options.cluster ? await freeClusterPorts() : undefined;
    const env: NodeJS.ProcessEnv = {
      // KC_MANAGEMENT_PORT is ours (npm start's), not a Keycloak option: kc.sh gets the flag instead.
      ...withoutKey(process.env, "KC_MANAGEMENT_PORT"),
      KC_BOOTSTRAP_ADMIN_USERNAME: adminUser,
      KC_BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
    };
    keycloak = spawnKeycloak({
      home,
      args: keycloakStartArgs({ port, managementPort, url, dbArgs, ...(cluster ? { cluster } : {}) }),
      env: cluster ? withClusterJavaOpts(env, cluster) : env,
      dataDir,
      managementPort,
      readyTimeoutMs: options.readyTimeoutMs ?? 180_000,
      ...(options.onLog ? { onLog: options.onLog } : {}),
    });
    const readyMs = await keycloak.ready;
    const started = Date.now() - readyMs;

    const admin = createKeycloakAdmin({ url, user: adminUser, password: adminPassword });
    await importRealm(admin, buildRealmImport(realm, options.realmOptions));
    const importMs = Date.now() - started;

    const first = keycloak;
    const pid = first.process.child.pid ?? 0;
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
      ...(cluster ? { clusterPort: cluster.bindPort } : {}),
      timings: { readyMs, importMs },
      pid,
      admin,
      cluster: () => first.cluster(),
      async startNode(nodeOptions = {}) {
        if (!cluster) {
          throw new KeycloakError(
            "keycloak_start_failed",
            "startNode needs a first node started with cluster: true",
          );
        }
        if (stopping) throw new KeycloakError("keycloak_start_failed", "this Keycloak is stopping");
        const node = await startClusterNode({ home, url, dbArgs, env, dataDir, options: nodeOptions });
        if (stopping) {
          // stop() came while this node was starting: it must not outlive the cluster's database.
          await node.stop();
          throw new KeycloakError(
            "keycloak_start_failed",
            "this Keycloak was stopped while the node started",
          );
        }
        nodes.add(node);
        const stop = node.stop;
        return {
          ...node,
          stop: async () => {
            await stop();
            nodes.delete(node);
          },
        };
      },
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
 * One more node on the first node's database and hostname (the issuer a load balancer would give all
 * nodes), on its own HTTP, management and cluster ports. It finds the cluster through the database
 * (JDBC_PING), and imports nothing: the realm is in the database already.
 */
async function startClusterNode(o: {
  home: string;
  url: string;
  dbArgs: string[];
  env: NodeJS.ProcessEnv;
  dataDir: string;
  options: StartNodeOptions;
}): Promise<KeycloakNode> {
  const port = o.options.port ?? (await freePort());
  const managementPort = o.options.managementPort ?? (await freePort());
  await assertPortFree(port, "a Keycloak node", "Choose another port.");
  await assertPortFree(managementPort, "a Keycloak node's management interface", "Choose another port.");
  const cluster = await freeClusterPorts();
  const nodeDir = join(o.dataDir, `node-${port}`);
  mkdirSync(nodeDir, { recursive: true });
  const spawned = spawnKeycloak({
    home: o.home,
    args: keycloakStartArgs({ port, managementPort, url: o.url, dbArgs: o.dbArgs, cluster }),
    env: withClusterJavaOpts(o.env, cluster),
    dataDir: nodeDir,
    managementPort,
    readyTimeoutMs: o.options.readyTimeoutMs ?? 180_000,
    ...(o.options.onLog ? { onLog: o.options.onLog } : {}),
  });
  let readyMs: number;
  try {
    readyMs = await spawned.ready;
  } catch (error) {
    await spawned.process.stop();
    throw error;
  }
  return {
    url: `http://localhost:${port}`,
    managementUrl: `http://localhost:${managementPort}`,
    clusterPort: cluster.bindPort,
    readyMs,
    pid: spawned.process.child.pid ?? 0,
    cluster: () => spawned.cluster(),
    stop: () => spawned.process.stop(),
  };
}

interface SpawnedKeycloak {
  readonly process: ProcessGroup;
  /** Resolves with the milliseconds from spawning to readiness; rejects if Keycloak exits first or is late. */
  readonly ready: Promise<number>;
  cluster(): ClusterState;
}

/** Spawns kc.sh, writes its output to <dataDir>/keycloak.log, and follows what it says about the cluster. */
function spawnKeycloak(o: {
  home: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  dataDir: string;
  managementPort: number;
  readyTimeoutMs: number;
  onLog?: (line: string) => void;
}): SpawnedKeycloak {
  const log = createWriteStream(join(o.dataDir, "keycloak.log"), { flags: "a" });
  const tail: string[] = [];
  let state: ClusterState = { address: undefined, physicalAddresses: [], members: [] };
  let partial = "";
  const onChunk = (chunk: Buffer) => {
    log.write(chunk);
    // A chunk may end inside a line: its start waits for the rest (a view split in two would be lost).
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      state = clusterStateAfter(state, line);
      o.onLog?.(line);
    }
  };

  const started = Date.now();
  const group = spawnProcessGroup(join(o.home, "bin", "kc.sh"), o.args, {
    cwd: o.dataDir,
    stdio: ["ignore", "pipe", "pipe"],
    env: o.env,
  });
  group.child.stdout?.on("data", onChunk);
  group.child.stderr?.on("data", onChunk);
  group.exited.then(() => log.end());
  const ready = waitForReady(
    `http://127.0.0.1:${o.managementPort}/health/ready`,
    group,
    o.readyTimeoutMs,
    tail,
  ).then(() => Date.now() - started);
  return { process: group, ready, cluster: () => state };
}

/**
 * What one log line changes in a node's view of its cluster: Infinispan logs the node's own address
 * when its channel starts (ISPN000079) and every new view (ISPN000094), e.g.
 * `ISPN000094: Received new cluster view for channel ISPN: [a-1(v=16.0.14)|1] (2) [a-1(v=16.0.14), b-2(v=16.0.14)]`.
 * Members are given without the version suffix, as the address is.
 */
export function clusterStateAfter(state: ClusterState, line: string): ClusterState {
  const channel =
    /ISPN000079: Channel `[^`]*` local address is `([^`]+)`, physical addresses are `\[([^\]]*)\]`/.exec(
      line,
    );
  if (channel) {
    const physicalAddresses = (channel[2] ?? "").split(",").map((a) => a.trim());
    return {
      ...state,
      address: withoutVersion(channel[1] ?? ""),
      physicalAddresses: physicalAddresses.filter(Boolean),
    };
  }
  const view = /ISPN000094: Received new cluster view for channel \S+: \[[^\]]*\] \(\d+\) \[([^\]]*)\]/.exec(
    line,
  );
  if (!view) return state;
  const members = (view[1] ?? "").split(",").map((m) => withoutVersion(m.trim()));
  return { ...state, members: members.filter(Boolean) };
}

const withoutVersion = (member: string) => member.replace(/\(v=[^)]*\)$/, "");

/** The cluster transport's port and its failure detector's (FD_SOCK2), both free on 127.0.0.1. */
export interface ClusterPorts {
  readonly bindPort: number;
  readonly failureDetectionPort: number;
}

async function freeClusterPorts(): Promise<ClusterPorts> {
  return { bindPort: await freePort(), failureDetectionPort: await freePort() };
}

/**
 * FD_SOCK2 listens at the transport's port plus `jgroups.fd.port-offset` (default 50000, i.e. 57800),
 * which a free port from the OS's ephemeral range would push past 65535: the offset is set so it
 * lands on a second free port instead.
 */
function withClusterJavaOpts(env: NodeJS.ProcessEnv, ports: ClusterPorts): NodeJS.ProcessEnv {
  const offset = ports.failureDetectionPort - ports.bindPort;
  const javaOpts = [env.JAVA_OPTS_APPEND, `-Djgroups.fd.port-offset=${offset}`].filter(Boolean).join(" ");
  return { ...env, JAVA_OPTS_APPEND: javaOpts };
}

/**
 * kc.sh start's arguments: the optimized build (no rebuild), HTTP on 127.0.0.1 only (the management
 * interface inherits the host). `--cache` is a run-time option (kc.sh build ignores it). Without
 * `cluster`, a local cache: left alone, Keycloak 26 starts clustered (ispn cache, JGroups jdbc-ping
 * discovery through the database), listening for cluster members on the LAN address (7800, 57800).
 * With `cluster`, that production cache, its transport bound to 127.0.0.1 on the given port.
 */
export function keycloakStartArgs(o: {
  port: number;
  managementPort: number;
  url: string;
  dbArgs: string[];
  cluster?: ClusterPorts;
}): string[] {
  const cache = o.cluster
    ? [
        "--cache=ispn",
        "--cache-stack=jdbc-ping",
        "--cache-embedded-network-bind-address=127.0.0.1",
        `--cache-embedded-network-bind-port=${o.cluster.bindPort}`,
      ]
    : ["--cache=local"];
  return [
    "start",
    "--optimized",
    ...cache,
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
