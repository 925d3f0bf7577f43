// Rewrites the inputs/outputs tables of every module's and example's README from its .tf files.
// usage: pnpm tsx terraform/tools/update-readmes.ts   (test/terraform.test.ts fails when they drift)
// Then formats them with Biome, which aligns the table columns as the repository's lint expects.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadTerraformDir } from "./load-terraform-dir.js";
import { renderDocs, replaceDocs } from "./render-docs.js";

const root = join(import.meta.dirname, "..");
const written: string[] = [];
for (const group of ["modules", "examples"]) {
  for (const name of readdirSync(join(root, group)).sort()) {
    const dir = join(root, group, name);
    const readme = join(dir, "README.md");
    if (!existsSync(readme)) continue;
    const next = replaceDocs(readFileSync(readme, "utf8"), renderDocs(await loadTerraformDir(dir)));
    writeFileSync(readme, next);
    written.push(readme);
    console.log(`updated ${group}/${name}/README.md`);
  }
}
const biome = join(root, "..", "node_modules", ".bin", "biome");
if (written.length > 0 && existsSync(biome))
  spawnSync(biome, ["format", "--write", ...written], { stdio: "inherit" });
