// `npm start`: gets the pinned pnpm, installs, builds, then runs the local stack (stack/src/cli.ts):
// the embedded IdP (or Keycloak, or an external IdP), the validation API and the CloudFront emulator
// running the built edge function in front of the demo site. Prints the URLs and the demo logins.
// Ctrl-C stops everything.
//
//   npm start                              embedded IdP (default)
//   npm start -- --idp keycloak            a real Keycloak (prepared by stack/scripts/ensure-keycloak.mjs)
//   npm start -- --issuer <url> [--client-id <id> --client-secret <secret>]   an IdP you run yourself
//   SITE_PORT=4000 API_PORT=4001 IDP_PORT=9090 npm start
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ensurePnpm, install, root, run } from "./pnpm.mjs";

const args = process.argv.slice(2);
const step = (n, text) => console.log(`\n[start] ${n}/4 ${text}`);

step(1, "getting the pinned pnpm");
const pnpm = ensurePnpm();
step(2, "installing dependencies");
install(pnpm);
step(3, "building (the edge function's bundle is what the emulator runs)");
run(pnpm, ["run", "build"]);

const idpArg = args.findIndex((a) => a === "--idp" || a.startsWith("--idp="));
const idp =
  idpArg === -1 ? "embedded" : args[idpArg].includes("=") ? args[idpArg].split("=")[1] : args[idpArg + 1];
const keycloakSetup = join(root, "stack", "scripts", "ensure-keycloak.mjs");
if (idp === "keycloak" && existsSync(keycloakSetup)) {
  console.log("\n[start] preparing Keycloak (downloaded and built once, reused afterwards)");
  run(process.execPath, [keycloakSetup]);
}

step(4, "starting the local stack");
const child = spawn(pnpm, ["exec", "tsx", join("stack", "src", "cli.ts"), ...args], {
  cwd: root,
  stdio: "inherit",
});
// Ctrl-C reaches the whole process group: the stack stops itself; this process waits for it.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (signal === "SIGTERM") child.kill("SIGTERM");
  });
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
