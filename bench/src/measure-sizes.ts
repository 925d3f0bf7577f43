import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { distDir, LAMBDAS, type LambdaName } from "./paths.js";

export interface LambdaSize {
  /** dist/index.js, the esbuild bundle before zipping. */
  bundleBytes: number;
  /** dist/<name>.zip, what Lambda receives. */
  zipBytes: number;
}

export type SizeResults = Record<LambdaName, LambdaSize>;

/** Reads the built artefacts; `pnpm bench` builds them first. */
export function measureSizes(): SizeResults {
  const out = {} as SizeResults;
  for (const name of LAMBDAS) {
    const bundle = join(distDir(name), "index.js");
    const zip = join(distDir(name), `${name}.zip`);
    for (const file of [bundle, zip]) {
      if (!existsSync(file)) throw new Error(`${file} is missing: run \`pnpm build\` first`);
    }
    out[name] = { bundleBytes: statSync(bundle).size, zipBytes: statSync(zip).size };
  }
  return out;
}
