// `npm start` runs this (through scripts/start.mjs) after installing and building:
//   tsx stack/src/cli.ts [--mode cloudfront-function|lambda-edge] [--idp embedded|keycloak]
//                        [--issuer <url> [--client-id <id>] [--client-secret <s>]]
// Ports from SITE_PORT, API_PORT, IDP_PORT (defaults 3000, 3001, 8080) and, for Keycloak,
// KC_MANAGEMENT_PORT (default 9000). Ctrl-C (or SIGTERM, SIGHUP, or the parent process going away)
// stops everything; pressing it again while stopping does not cut the stop short.
import { parseArgs } from "node:util";
import { DEFAULT_REALM_FILE, loadRealm } from "@static-sso/demo-idp";
import type { RequestLogLine } from "./cloudfront-emulator.js";
import { DEFAULT_EDGE_MODE, EDGE_MODES, type EdgeMode } from "./fast-path.js";
import { DEFAULT_DATA_DIR, type IdpKind, type RunningStack, startStack } from "./start-stack.js";
import { stopOnSignals } from "./stop-on-signals.js";

function port(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`✗ ${name}=${raw} is not a port number (0-65535)`);
    process.exit(2);
  }
  return n;
}

const options = {
  mode: { type: "string", default: DEFAULT_EDGE_MODE },
  idp: { type: "string", default: "embedded" },
  issuer: { type: "string" },
  "client-id": { type: "string" },
  "client-secret": { type: "string" },
  "access-token-ttl": { type: "string" },
  quiet: { type: "boolean", default: false },
} as const;
let values: ReturnType<typeof parseArgs<{ options: typeof options }>>["values"];
try {
  ({ values } = parseArgs({ options, allowPositionals: false }));
} catch (error) {
  console.error(`✗ ${(error as Error).message}`);
  process.exit(2);
}
if (!(EDGE_MODES as readonly string[]).includes(values.mode)) {
  console.error(`✗ --mode must be ${EDGE_MODES.join(" or ")} (got ${values.mode})`);
  process.exit(2);
}
if (values.idp !== "embedded" && values.idp !== "keycloak") {
  console.error(`✗ --idp must be embedded or keycloak (got ${values.idp})`);
  process.exit(2);
}
function accessTokenTtl(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) {
    console.error(`✗ --access-token-ttl must be a whole number of seconds, 1 or more (got '${raw}')`);
    process.exit(2);
  }
  return n;
}
const accessTokenTtlSeconds = accessTokenTtl(values["access-token-ttl"]);

const say = (line: string) => console.log(`[stack] ${line}`);
const MODE_TEXT: Record<EdgeMode, string> = {
  "cloudfront-function":
    "cloudfront-function (a CloudFront Function on page views, Lambda@Edge under /_auth/)",
  "lambda-edge": "lambda-edge (every request through Lambda@Edge)",
};
let stack: RunningStack | undefined;
stopOnSignals({
  stop: async () => {
    // Before the stack is up there is nothing to await: exit hooks end Keycloak's process group and
    // stop PostgreSQL (start-postgres.ts, spawn-process-group.ts).
    await stack?.stop();
  },
  exit: (code) => process.exit(code),
  say,
});

try {
  const sitePort = port("SITE_PORT");
  const apiPort = port("API_PORT");
  const idpPort = port("IDP_PORT");
  const managementPort = port("KC_MANAGEMENT_PORT");
  stack = await startStack({
    mode: values.mode as EdgeMode,
    idp: values.idp as IdpKind,
    ...(values.issuer ? { issuer: values.issuer } : {}),
    ...(values["client-id"] ? { clientId: values["client-id"] } : {}),
    ...(values["client-secret"] ? { clientSecret: values["client-secret"] } : {}),
    ...(sitePort !== undefined ? { sitePort } : {}),
    ...(apiPort !== undefined ? { apiPort } : {}),
    ...(idpPort !== undefined ? { idpPort } : {}),
    ...(accessTokenTtlSeconds !== undefined ? { accessTokenTtlSeconds } : {}),
    ...(managementPort !== undefined ? { keycloak: { managementPort } } : {}),
    dataDir: DEFAULT_DATA_DIR,
    onProgress: say,
    ...(values.quiet
      ? {}
      : {
          onRequest: (r: RequestLogLine) =>
            console.log(`[site] ${r.method} ${r.uri} → ${r.status} (${r.source}, ${r.runtime})`),
        }),
  });
  const realm = loadRealm(DEFAULT_REALM_FILE);
  const logins = realm.users.map(
    (u) =>
      `    ${u.username.padEnd(8)} password ${u.password.padEnd(16)} ${u.roles.length ? `roles: ${u.roles.join(", ")}` : "no roles"}`,
  );
  console.log(`
  static-site-sso local stack is up

  Site (behind the edge function)  ${stack.siteUrl}/
    edge mode                      ${MODE_TEXT[stack.mode]}
    public page (no login)         ${stack.siteUrl}/public/
    staff page (role staff)        ${stack.siteUrl}/staff/
  ${`IdP (${stack.idp})`.padEnd(33)}${stack.idpUrl}
${stack.adminUrl ? `    admin console                  ${stack.adminUrl}  (${stack.adminUser} / ${stack.adminPassword})\n` : ""}  Validation API                   ${stack.validateUrl}
${stack.idp === "external" ? "" : `\n  Demo logins:\n${logins.join("\n")}\n`}
  Press Ctrl-C to stop.
`);
} catch (error) {
  const e = error as { code?: string; message?: string };
  console.error(`\n✗ the stack did not start: ${e.message ?? String(error)}${e.code ? ` [${e.code}]` : ""}`);
  await stack?.stop();
  process.exit(1);
}
