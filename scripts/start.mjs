// `npm start`: gets the pinned pnpm, installs, builds. The local stack lands with its own issue.
import { ensurePnpm, install, run } from "./pnpm.mjs";

const pnpm = ensurePnpm();
install(pnpm);
run(pnpm, ["run", "build"]);
console.log("Built packages/edge-auth/dist/edge-auth.zip and packages/validate-api/dist/validate-api.zip.");
