// `npm start`: gets the pinned pnpm, installs, builds, then runs the local stack (stack/src/cli.ts):
// the embedded IdP (or Keycloak, or an external IdP), the validation API and the CloudFront emulator
// running the built edge function in front of the demo site. Prints the URLs and the demo logins.
// Ctrl-C stops everything. SIGTERM, SIGINT or SIGHUP sent to this process alone (e.g. `kill <npm's
// pid>` reaching it through npm) is passed on to the stack, and the stack also stops when this
// process goes away; either way the stack stops itself cleanly (Keycloak, PostgreSQL included).
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
  // --required: without Java or Maven, stop here saying what to install, instead of "skipped".
  run(process.execPath, [keycloakSetup, "--required"]);
}

step(4, "starting the local stack");
// The stack runs in a process group of its own, so a Ctrl-C at the terminal reaches it once, from
// here, and not a second time directly; node runs it with tsx's loader (no pnpm or tsx process in
// between that could end before the stack has stopped).
const child = spawn(process.execPath, ["--import", "tsx", join("stack", "src", "cli.ts"), ...args], {
  cwd: root,
  stdio: "inherit",
  detached: true,
});
const forward = (signal) => {
  try {
    process.kill(child.pid, signal);
  } catch {
    // already gone
  }
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => forward(signal));
// npm may end without passing a signal on (or be killed): then this process is re-parented, and the
// stack is stopped as for SIGTERM. (The stack watches this process the same way, in case it is killed.)
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watch);
  forward("SIGTERM");
}, 1000);
watch.unref();
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
