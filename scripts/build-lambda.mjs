// Bundles one Lambda with esbuild into dist/index.js (CommonJS, handler at the zip's root) and writes a
// reproducible zip: entries sorted, fixed timestamps and attributes, so the same source gives the same
// bytes and Terraform's source_code_hash only changes when the code does.
//
// usage: node scripts/build-lambda.mjs --name edge-auth --entry src/lambda.ts [--max-zip-bytes N]
//        [--include-optional config.json] [--external @aws-sdk/*] [--outdir DIR (default dist)]
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { zipSync } from "fflate";

const { values } = parseArgs({
  options: {
    name: { type: "string" },
    entry: { type: "string" },
    "max-zip-bytes": { type: "string" },
    "include-optional": { type: "string", multiple: true, default: [] },
    external: { type: "string", multiple: true, default: [] },
    outdir: { type: "string", default: "dist" },
  },
});
if (!values.name || !values.entry) {
  console.error("usage: build-lambda.mjs --name NAME --entry FILE [--max-zip-bytes N]");
  process.exit(2);
}

// The functions run on Lambda's nodejs24.x (Lambda@Edge supports it). esbuild only lowers syntax newer
// than the target, and our sources use none past Node 20's, so the local Node 20 runs the same bundle
// (the dist tests do exactly that).
export const NODE_TARGET = "node24";
const pkgDir = process.cwd();
const dist = resolve(pkgDir, values.outdir);
const shown = relative(pkgDir, dist) || ".";
mkdirSync(dist, { recursive: true });

const result = await build({
  entryPoints: [resolve(pkgDir, values.entry)],
  outfile: join(dist, "index.js"),
  bundle: true,
  platform: "node",
  target: NODE_TARGET,
  format: "cjs",
  minify: true,
  keepNames: false,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
  // The Lambda runtime ships AWS SDK v3; bundling it would add ~300 KB to the edge zip.
  external: values.external,
});
writeFileSync(join(dist, "meta.json"), JSON.stringify(result.metafile));
// dist/ holds CommonJS whatever the package's own "type" says, as Lambda sees it in the zip.
writeFileSync(join(dist, "package.json"), '{ "type": "commonjs" }\n');

// Local midnight, not UTC: zip timestamps are DOS local times and fflate converts with the local time
// zone, so a UTC instant would give other bytes (or, west of UTC, a date before 1980 that it refuses)
// depending on the machine's TZ.
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const entries = [["index.js", readFileSync(join(dist, "index.js"))]];
for (const extra of values["include-optional"]) {
  const p = resolve(pkgDir, extra);
  if (existsSync(p)) entries.push([basename(p), readFileSync(p)]);
}
entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const files = {};
for (const [name, data] of entries)
  files[name] = [new Uint8Array(data), { mtime: FIXED_MTIME, level: 9, os: 3, attrs: 0o100644 << 16 }];
const zip = zipSync(files);
const zipPath = join(dist, `${values.name}.zip`);
writeFileSync(zipPath, zip);

const bundleBytes = statSync(join(dist, "index.js")).size;
console.log(
  `${values.name}: ${shown}/index.js ${bundleBytes} B, ${shown}/${values.name}.zip ${zip.length} B (${(zip.length / 1024).toFixed(1)} KiB)`,
);
const max = values["max-zip-bytes"] ? Number(values["max-zip-bytes"]) : undefined;
if (max !== undefined && zip.length > max) {
  console.error(
    `✗ ${values.name}.zip is ${zip.length} B, over the limit of ${max} B. Look at ${shown}/meta.json (esbuild's metafile) for what grew.`,
  );
  process.exit(1);
}
