// Runs `terraform validate` and `terraform test` on a module without the registry: providers come from a
// local filesystem mirror (/opt/tf-plugins, where this machine has the AWS provider), and the module is copied to a
// scratch folder first. When the mirror holds an older AWS provider than the modules pin (5.x against
// `~> 6.19`), the copy, never the module, is adapted to it; see adaptToAws5. CI runs the real thing
// against the registry (.github/scripts/terraform-validate.sh).
import { execFile, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const MIRROR = "/opt/tf-plugins";

const baseEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };

export const terraformOnPath =
  spawnSync("terraform", ["version"], { encoding: "utf8", env: baseEnv }).status === 0;

/** `namespace/type` → versions in the mirror (registry.terraform.io/<namespace>/<type>/<version>/…). */
export function mirroredProviders(mirror = MIRROR): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const registry = join(mirror, "registry.terraform.io");
  if (!existsSync(registry)) return out;
  for (const ns of readdirSync(registry))
    for (const type of readdirSync(join(registry, ns)))
      out.set(`${ns}/${type}`, readdirSync(join(registry, ns, type)));
  return out;
}

/** The providers a folder's versions.tf requires (`source = "ns/type"`). */
export function requiredSources(dir: string): string[] {
  const text = readFileSync(join(dir, "versions.tf"), "utf8");
  return [...text.matchAll(/source\s*=\s*"([^"]+)"/g)].map((m) =>
    (m[1] ?? "").replace(/^.*?\/(?=[^/]+\/)/, ""),
  );
}

/** Why a folder cannot be planned here, or undefined when it can. */
export function whyNotRunnable(dir: string): string | undefined {
  if (!terraformOnPath) return "no terraform CLI on PATH";
  const mirrored = mirroredProviders();
  const missing = requiredSources(dir).filter((s) => !mirrored.has(s));
  return missing.length > 0 ? `${missing.join(", ")} not in the provider mirror ${MIRROR}` : undefined;
}

/**
 * The AWS provider 5.x differs from the 6.x the modules pin in three ways that matter to a plan; the copy
 * gets the 5.x spelling so the rest of the module (and its tests) can run unchanged:
 * - the version constraint;
 * - `data.aws_region.*.region` is `.name` in 5.x (and so is the mocked attribute in the tests);
 * - 5.x refuses the runtime nodejs24.x at plan time: nodejs22.x, which the modules also accept, stands in.
 * A module that uses 6.x-only arguments (per-resource `region`) cannot run this way.
 */
export function adaptToAws5(file: string, text: string): string {
  let out = text.replace(/(source\s*=\s*"hashicorp\/aws"[\s\S]*?version\s*=\s*)"~> 6\.\d+"/, '$1">= 5.100"');
  out = out.replace(/(data\.aws_region\.\w+)\.region\b/g, "$1.name").replaceAll("nodejs24.x", "nodejs22.x");
  if (file.endsWith(".tftest.hcl"))
    out = out.replace(/(mock_data\s+"aws_region"\s*\{[\s\S]*?)\bregion(\s*=)/, "$1name$2");
  return out;
}

export interface Scratch {
  dir: string;
  run(args: string[]): Promise<{ status: number; output: string }>;
  remove(): void;
}

/**
 * Copies a module (tests included) to a scratch folder, adapted to the mirror, and runs `terraform init`.
 * Asynchronous: a plan takes seconds, and a blocked test worker cannot report to vitest meanwhile.
 */
export async function scratchCopy(src: string): Promise<Scratch> {
  const root = mkdtempSync(join(tmpdir(), "tf-scratch-"));
  const dir = join(root, "module");
  cpSync(src, dir, { recursive: true, filter: (p) => !p.includes(".terraform") });
  const aws = mirroredProviders().get("hashicorp/aws") ?? [];
  if (aws.length > 0 && aws.every((v) => v.startsWith("5.")))
    for (const rel of readdirSync(dir, { recursive: true, encoding: "utf8" }))
      if (/\.tf$|\.tftest\.hcl$/.test(rel)) {
        const path = join(dir, rel);
        writeFileSync(path, adaptToAws5(rel, readFileSync(path, "utf8")));
      }
  const cli = join(root, "cli.tfrc");
  writeFileSync(
    cli,
    `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(MIRROR)}\n  }\n}\n`,
  );
  const env = { ...baseEnv, TF_CLI_CONFIG_FILE: cli };
  const run = (args: string[]) =>
    new Promise<{ status: number; output: string }>((done) => {
      execFile(
        "terraform",
        [...args, "-no-color"],
        { cwd: dir, env, maxBuffer: 64 << 20 },
        (error, stdout, stderr) =>
          done({ status: error ? Number(error.code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
      );
    });
  const init = await run(["init", "-backend=false", "-input=false"]);
  if (init.status !== 0) throw new Error(`terraform init failed in the copy of ${src}:\n${init.output}`);
  return { dir, run, remove: () => rmSync(root, { recursive: true, force: true }) };
}
