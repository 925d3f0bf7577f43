// Rewrites the inputs/outputs tables of every module's and example's README from its .tf files.
// usage: pnpm tsx terraform/tools/update-readmes.ts   (test/terraform.test.ts fails when they drift)
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadTerraformDir } from "./load-terraform-dir.js";
import { renderDocs, replaceDocs } from "./render-docs.js";

const root = join(import.meta.dirname, "..");
for (const group of ["modules", "examples"]) {
  for (const name of readdirSync(join(root, group)).sort()) {
    const dir = join(root, group, name);
    const readme = join(dir, "README.md");
    if (!existsSync(readme)) continue;
    const next = replaceDocs(readFileSync(readme, "utf8"), renderDocs(await loadTerraformDir(dir)));
    writeFileSync(readme, next);
    console.log(`updated ${group}/${name}/README.md`);
  }
}
