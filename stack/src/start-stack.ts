import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_REALM_FILE, type DemoIdp, loadRealm, startDemoIdp } from "@static-sso/demo-idp";
import { startValidateServer, type ValidateServer } from "@static-sso/validate-api";
import {
  type CloudFrontEmulator,
  type CloudFrontEmulatorOptions,
  startCloudFrontEmulator,
} from "./cloudfront-emulator.js";
import { demoEdgeConfig } from "./demo-edge-config.js";
import {
  DEFAULT_EDGE_MODE,
  EDGE_MODES,
  type EdgeMode,
  newSessionKeyValue,
  type PreparedViewerFunction,
  prepareViewerFunction,
} from "./fast-path.js";
import { freePort, portInUse } from "./free-port.js";
import { LOCAL_API_REGION, LOCAL_EDGE_CREDENTIALS, provideEdgeCredentials } from "./local-iam.js";
import { StackError } from "./stack-error.js";
import { waitUntilAnswers } from "./wait-until-answers.js";

export type IdpKind = "embedded" | "keycloak";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEFAULT_EDGE_BUNDLE = join(repoRoot, "packages", "edge-auth", "dist", "index.js");
export const DEFAULT_SITE_DIR = join(repoRoot, "stack", "site");
/** Where `npm start` keeps the embedded IdP's keys (git-ignored), so a restart keeps sessions. */
export const DEFAULT_DATA_DIR = join(repoRoot, ".data");

/** The contract's local defaults (docs/contracts.md, "Local stack defaults"). */
export const DEFAULT_PORTS = { site: 3000, api: 3001, idp: 8080 } as const;

export interface StackOptions {
  /**
   * `cloudfront-function` (default): a CloudFront Function checks the session on every page view and
   * Lambda@Edge runs only under `/_auth/`; `lambda-edge`: every request through Lambda@Edge.
   */
  mode?: EdgeMode;
  /** Which IdP to start; ignored when `issuer` points at one already running. Default embedded. */
  idp?: IdpKind;
  /** An external IdP (e.g. a Keycloak you run): nothing is started for it. */
  issuer?: string;
  /** The site's client at the external IdP; default the demo realm's. */
  clientId?: string;
  clientSecret?: string;
  /** 0 picks a free port. Defaults: 3000, 3001, 8080. */
  sitePort?: number;
  apiPort?: number;
  idpPort?: number;
  /** Embedded IdP: keep its keys here (restarts keep sessions). In-memory keys when absent. */
  dataDir?: string;
  /** Access token lifetime at the embedded IdP (Keycloak: the realm's). Default 300 s. */
  accessTokenTtlSeconds?: number;
  refreshTokenRotation?: boolean;
  /** The built edge function; default packages/edge-auth/dist/index.js. */
  edgeBundle?: string;
  /** The static site standing in for the bucket; default stack/site. */
  siteDir?: string;
  /** Merged into the edge config the stack writes beside the bundle. */
  edgeConfig?: Record<string, unknown>;
  /** Validation API leeway for exp/nbf; default the API's own (30 s). */
  clockToleranceSeconds?: number;
  /** Progress lines ("starting the embedded IdP…"). */
  onProgress?: (line: string) => void;
  /** One line per request through the CloudFront emulator. */
  onRequest?: CloudFrontEmulatorOptions["onRequest"];
  /** Passed to startKeycloak (stack/src/keycloak) as they are. */
  keycloak?: Record<string, unknown>;
}

export interface RunningStack {
  siteUrl: string;
  /** The issuer, `http://localhost:<port>/realms/demo`. */
  idpUrl: string;
  /** Keycloak's admin console, when the stack started a Keycloak. */
  adminUrl?: string;
  adminUser?: string;
  adminPassword?: string;
  validateUrl: string;
  idp: IdpKind | "external";
  mode: EdgeMode;
  /**
   * cloudfront-function mode: the function's KeyValueStore file (import format, re-read when it changes;
   * removed by stop()). Its keys are the edge config's `sessionKeys`.
   */
  kvsFile?: string;
  clientId: string;
  /** The edge config written beside the bundle (no secret redaction: local only). */
  edgeConfig: Record<string, unknown>;
  stop(): Promise<void>;
}

interface RunningIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  adminUrl?: string;
  adminUser?: string;
  adminPassword?: string;
  stop(): Promise<void>;
}

async function startKeycloakIdp(
  options: StackOptions,
  port: number,
  siteUrl: string,
  progress: (line: string) => void,
): Promise<RunningIdp> {
  // Loaded only when asked for: the Keycloak tier lives in stack/src/keycloak (its own owner).
  const { startKeycloak } = await import("./keycloak/start-keycloak.js");
  const kc = await startKeycloak({
    port,
    realmOptions: {
      siteUrl,
      ...(options.refreshTokenRotation ? { revokeRefreshToken: true } : {}),
      ...(options.accessTokenTtlSeconds ? { accessTokenLifespanSeconds: options.accessTokenTtlSeconds } : {}),
    },
    // Kept between `npm start`s: later starts skip the first-start work and keep sessions.
    ...(options.dataDir ? { dataDir: join(options.dataDir, "keycloak") } : {}),
    onProgress: progress,
    ...(options.keycloak ?? {}),
  });
  return {
    issuer: kc.issuer,
    clientId: kc.clientId,
    clientSecret: kc.clientSecret,
    adminUrl: kc.adminUrl,
    adminUser: kc.adminUser,
    adminPassword: kc.adminPassword,
    stop: () => kc.stop(),
  };
}

/**
 * Starts the local stack: the IdP (embedded, Keycloak, or an external one), the validation API and
 * the CloudFront emulator running the built edge function in front of the demo site. Waits until each
 * answers. stop() ends everything it started, in reverse order.
 */
export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const progress = options.onProgress ?? (() => {});
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    stops.length = 0;
  };

  const sitePort = options.sitePort === 0 ? await freePort() : (options.sitePort ?? DEFAULT_PORTS.site);
  const siteUrl = `http://localhost:${sitePort}`;
  const realm = loadRealm(DEFAULT_REALM_FILE);
  const kind: IdpKind | "external" = options.issuer ? "external" : (options.idp ?? "embedded");
  const mode: EdgeMode = options.mode ?? DEFAULT_EDGE_MODE;
  if (!EDGE_MODES.includes(mode))
    throw new TypeError(`mode must be one of ${EDGE_MODES.join(", ")} (got ${String(mode)})`);

  try {
    let idp: RunningIdp;
    if (kind === "external") {
      idp = {
        issuer: (options.issuer as string).replace(/\/+$/, ""),
        clientId: options.clientId ?? realm.client.clientId,
        clientSecret: options.clientSecret ?? realm.client.clientSecret,
        stop: async () => {},
      };
      progress(`using the external IdP ${idp.issuer}`);
    } else {
      const idpPort = options.idpPort === 0 ? await freePort() : (options.idpPort ?? DEFAULT_PORTS.idp);
      if (kind === "keycloak") {
        progress(`starting Keycloak on port ${idpPort} (the first start takes a minute or two)…`);
        idp = await startKeycloakIdp(options, idpPort, siteUrl, progress).catch((error) => {
          throw portInUse(error, "IdP (Keycloak)", idpPort, "IDP_PORT");
        });
      } else {
        progress(`starting the embedded IdP on port ${idpPort}…`);
        const demo: DemoIdp = await startDemoIdp({
          port: idpPort,
          redirectUris: [`${siteUrl}/_auth/callback`],
          postLogoutRedirectUris: [`${siteUrl}/`],
          ...(options.dataDir ? { dataDir: join(options.dataDir, "idp") } : {}),
          ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
          ...(options.refreshTokenRotation !== undefined
            ? { refreshTokenRotation: options.refreshTokenRotation }
            : {}),
        }).catch((error) => {
          throw portInUse(error, "embedded IdP", idpPort, "IDP_PORT");
        });
        idp = { ...demo, stop: () => demo.stop() };
      }
    }
    stops.push(() => idp.stop());
    await waitUntilAnswers("the IdP", `${idp.issuer}/.well-known/openid-configuration`, {
      status: 200,
      timeoutMs: kind === "external" ? 10_000 : 60_000,
    }).catch((error) => {
      throw kind === "external"
        ? new StackError("idp_unavailable", `${(error as Error).message}; is the external IdP running?`)
        : error;
    });

    const apiPort = options.apiPort === 0 ? 0 : (options.apiPort ?? DEFAULT_PORTS.api);
    // As in AWS: only the edge function, signing with its role, may call the validation API.
    const iam = (options.edgeConfig?.validateAuth ?? "iam") === "iam";
    progress(`starting the validation API on port ${apiPort || "(free)"}…`);
    const api: ValidateServer = await startValidateServer({
      issuer: idp.issuer,
      audience: idp.clientId,
      port: apiPort,
      ...(iam ? { iam: { credentials: LOCAL_EDGE_CREDENTIALS, region: LOCAL_API_REGION } } : {}),
      ...(options.clockToleranceSeconds !== undefined
        ? { clockToleranceSeconds: options.clockToleranceSeconds }
        : {}),
    }).catch((error) => {
      throw portInUse(error, "validation API", apiPort, "API_PORT");
    });
    stops.push(() => api.close());
    // Unsigned, the health check gets the IAM check's 403: enough to know the server answers.
    await waitUntilAnswers("the validation API", `${api.url}/health`, { status: iam ? 403 : 200 });

    const edgeConfig: Record<string, unknown> = {
      ...demoEdgeConfig({
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        validateUrl: api.validateUrl,
      }),
      siteOrigin: siteUrl,
      postLogoutRedirectUri: `${siteUrl}/`,
      validateAuth: "iam",
      validateRegion: LOCAL_API_REGION,
      // The fast path: the edge mints session cookies with the key the function checks them with, a
      // fresh one per start. lambda-edge mode writes no `mode`: the edge's default is the original design.
      ...(mode === "cloudfront-function" ? { mode, sessionKeys: { current: newSessionKeyValue() } } : {}),
      ...(options.edgeConfig ?? {}),
    };
    let fastPath: PreparedViewerFunction | undefined;
    if (mode === "cloudfront-function") {
      fastPath = await prepareViewerFunction(edgeConfig);
      const dispose = fastPath.dispose;
      stops.push(async () => dispose());
      progress(`built the CloudFront Function (${fastPath.bytes} bytes) for the site's rules`);
    }
    const releaseCredentials = provideEdgeCredentials();
    stops.push(async () => releaseCredentials());
    progress(
      mode === "cloudfront-function"
        ? `starting the CloudFront emulator on port ${sitePort}: the CloudFront Function on page views, the built edge function under /_auth/…`
        : `starting the CloudFront emulator on port ${sitePort} with the built edge function…`,
    );
    const cf: CloudFrontEmulator = await startCloudFrontEmulator({
      edgeBundle: options.edgeBundle ?? DEFAULT_EDGE_BUNDLE,
      edgeConfig,
      originDir: options.siteDir ?? DEFAULT_SITE_DIR,
      // Like a real S3 REST origin: no index documents. The edge function's (or the CloudFront
      // Function's) directoryIndex turns /staff/ into /staff/index.html before the origin, as in AWS.
      directoryIndex: false,
      ...(fastPath
        ? // Every method is allowed on the Lambda@Edge behaviours, the logout form's POST included.
          { viewerFunction: fastPath.viewerFunction }
        : // The logout path's own cache behaviour allows POST (its confirmation form).
          { allMethodsPaths: [String(edgeConfig.logoutPath ?? "/_auth/logout")] }),
      port: sitePort,
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    }).catch((error) => {
      if ((error as { code?: string }).code === "config_invalid")
        throw new StackError("edge_bundle_missing", (error as Error).message, { cause: error });
      throw portInUse(error, "site", sitePort, "SITE_PORT");
    });
    stops.push(() => cf.stop());
    await waitUntilAnswers("the site", `${siteUrl}/public/`, { status: 200 });

    return {
      siteUrl,
      idpUrl: idp.issuer,
      ...(idp.adminUrl
        ? { adminUrl: idp.adminUrl, adminUser: idp.adminUser, adminPassword: idp.adminPassword }
        : {}),
      validateUrl: api.validateUrl,
      idp: kind,
      mode,
      ...(fastPath ? { kvsFile: fastPath.viewerFunction.kvsFile } : {}),
      clientId: idp.clientId,
      edgeConfig,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
