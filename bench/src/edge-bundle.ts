import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { distDir } from "./paths.js";

/** The edge function's config.json, as `pnpm build` bundles it beside index.js (docs/contracts.md). */
export interface EdgeBundleConfig {
  issuer: string;
  clientId: string;
  validateUrl: string;
  publicPaths?: string[];
  requiredRoles?: string[] | Record<string, string[]>;
  cookiePrefix?: string;
  logLevel?: "debug" | "info" | "warn" | "error";
}

/**
 * What Lambda@Edge unpacks: the shipped dist/index.js and a config.json beside it, in a directory of their
 * own (no package.json, no node_modules), so the handler loads its config from the file and never from SSM.
 */
export function prepareEdgeBundle(workDir: string, config: EdgeBundleConfig, name = "edge-auth"): string {
  const dir = join(workDir, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(distDir("edge-auth"), "index.js"), join(dir, "index.js"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(config, null, 2));
  return dir;
}

/** The edge function's session cookies (`__Host-<prefix>-at` and `-id`), as its callback sets them. */
export function sessionCookieHeader(accessToken: string, idToken: string, cookiePrefix = "sso"): string {
  return `__Host-${cookiePrefix}-at=${accessToken}; __Host-${cookiePrefix}-id=${idToken}`;
}
