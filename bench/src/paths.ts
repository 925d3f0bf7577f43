import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO_ROOT = join(BENCH_DIR, "..");
export const CHILDREN_DIR = join(BENCH_DIR, "src", "children");

/** The two Lambdas whose bundles and zips ship. */
export const LAMBDAS = ["edge-auth", "validate-api"] as const;
export type LambdaName = (typeof LAMBDAS)[number];

export function distDir(lambda: LambdaName): string {
  return join(REPO_ROOT, "packages", lambda, "dist");
}
