// Keeps .github/workflows/ci.yml and deploy.yml in step with the repository: the scripts, zip paths,
// Terraform folders and outputs, site folder and pnpm version they name must exist, and the security
// settings (pinned actions, least-privilege tokens, timeouts, one deploy at a time) must stay.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadTerraformDir } from "../terraform/tools/load-terraform-dir.js";

const root = join(import.meta.dirname, "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  name?: string;
  uses?: string;
  needs?: string | string[];
  outputs?: Record<string, string>;
  if?: string;
  "timeout-minutes"?: number;
  permissions?: Record<string, string> | string;
  environment?: string | { name: string; url?: string };
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
  container?: string | { image: string; options?: string };
  env?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress"?: boolean | string };
  jobs: Record<string, Job>;
}

const files = { ci: ".github/workflows/ci.yml", deploy: ".github/workflows/deploy.yml" } as const;
const text = { ci: read(files.ci), deploy: read(files.deploy) };
const ci = parse(text.ci) as Workflow;
const deploy = parse(text.deploy) as Workflow;
const workflows = [
  ["ci.yml", ci, text.ci],
  ["deploy.yml", deploy, text.deploy],
] as const;

const rootPackage = JSON.parse(read("package.json")) as {
  packageManager: string;
  scripts: Record<string, string>;
  engines: { node: string };
};

function steps(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);
}

function stepUsing(job: Job, action: string): Step {
  const step = job.steps?.find((s) => s.uses?.startsWith(`${action}@`));
  if (!step) throw new Error(`no ${action} step in job ${job.name ?? ""}`);
  return step;
}

/** The shell scripts of every `run:` step, plus the scripts those steps call from .github/scripts. */
function shellText(workflow: Workflow): string {
  const runs = steps(workflow).map((s) => s.run ?? "");
  const called = runs.flatMap((r) =>
    [...r.matchAll(/(\.github\/scripts\/[\w.-]+)/g)].map((m) => m[1] as string),
  );
  return [...runs, ...called.map((path) => read(path))].join("\n");
}

/** `pnpm x` / `npm x` / `pnpm run x` invocations in the workflows' shell steps. */
function packageManagerCommands(shell: string): { tool: string; command: string; line: string }[] {
  const found: { tool: string; command: string; line: string }[] = [];
  for (const line of shell.split("\n")) {
    for (const m of line.matchAll(/(?:^|[\s;&|(])(pnpm|npm)\s+(?:run\s+)?([a-z][\w:-]*)/g)) {
      found.push({ tool: m[1] as string, command: m[2] as string, line: line.trim() });
    }
  }
  return found;
}
// Package-manager commands that are not package.json scripts.
const BUILT_IN = new Set(["install", "ci", "exec", "dlx", "store"]);

/** The `--name X` a package's build script gives scripts/build-lambda.mjs, keyed by package folder. */
function lambdaZipNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const dir of readdirSync(join(root, "packages"))) {
    const pkgJson = join(root, "packages", dir, "package.json");
    if (!existsSync(pkgJson)) continue;
    const build: string | undefined = JSON.parse(readFileSync(pkgJson, "utf8")).scripts?.build;
    const name = build?.includes("build-lambda.mjs") ? /--name\s+(\S+)/.exec(build)?.[1] : undefined;
    if (name) names.set(dir, name);
  }
  return names;
}

function tfFiles(dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).filter((f) => f.endsWith(".tf"));
}

function declaredOutputs(dir: string): Set<string> {
  const names = new Set<string>();
  for (const f of tfFiles(dir)) {
    for (const m of readFileSync(join(root, dir, f), "utf8").matchAll(/^output\s+"([^"]+)"/gm)) {
      names.add(m[1] as string);
    }
  }
  return names;
}

/** [major, minor, patch] of "1.15.5" or ">= 1.6". */
function version(v: string): number[] {
  return (/(\d+(?:\.\d+){0,2})/.exec(v)?.[1] ?? "0").split(".").map(Number);
}
function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const planJob = deploy.jobs.plan as Job;
const applyJob = deploy.jobs.apply as Job;
const testJob = ci.jobs.test as Job;
const terraformJob = ci.jobs.terraform as Job;

describe("both workflows", () => {
  it.each(workflows)(
    "%s pins every action to a full commit SHA with its release in a comment",
    (_, wf, raw) => {
      const lines = raw.split("\n").filter((l) => /^\s*(-\s+)?uses:/.test(l));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        if (/uses:\s+\.\//.test(line)) continue; // a workflow of this repository
        expect(line, line.trim()).toMatch(
          /uses:\s+[\w.-]+\/[\w./-]+@[0-9a-f]{40}\s+#\s+v\d+(\.\d+){0,2}\s*$/,
        );
      }
      // Nothing hides from the line check in YAML flow style.
      const parsed = [...Object.values(wf.jobs).map((j) => j.uses), ...steps(wf).map((s) => s.uses)].filter(
        Boolean,
      );
      expect(parsed).toHaveLength(lines.length);
    },
  );

  it("pins each action to the same commit wherever it is used", () => {
    const shaOf = new Map<string, Set<string>>();
    for (const [, , raw] of workflows) {
      for (const m of raw.matchAll(/uses:\s+([\w.-]+\/[\w./-]+)@([0-9a-f]{40})/g)) {
        const set = shaOf.get(m[1] as string) ?? new Set();
        set.add(m[2] as string);
        shaOf.set(m[1] as string, set);
      }
    }
    for (const [action, shas] of shaOf) expect([...shas], action).toHaveLength(1);
  });

  it.each(workflows)("%s grants nothing at the top and sets permissions on every job", (_, wf) => {
    expect(wf.permissions).toEqual({});
    for (const [id, job] of Object.entries(wf.jobs)) expect(job.permissions, `job ${id}`).toBeDefined();
  });

  it.each(workflows)("%s gives every job a timeout (a called workflow's jobs carry their own)", (_, wf) => {
    for (const [id, job] of Object.entries(wf.jobs)) {
      if (job.uses) continue;
      expect(job["timeout-minutes"], `job ${id}`).toBeGreaterThan(0);
    }
  });

  it.each(workflows)("%s only runs package.json scripts besides install and exec", (_, wf) => {
    const commands = packageManagerCommands(shellText(wf));
    expect(commands.length).toBeGreaterThan(0);
    for (const { command, line } of commands) {
      if (BUILT_IN.has(command)) continue;
      expect(Object.keys(rootPackage.scripts), `'${line}' names no script in package.json`).toContain(
        command,
      );
    }
  });

  it.each(workflows)("%s installs with the frozen lockfile", (_, wf) => {
    const installs = packageManagerCommands(shellText(wf)).filter((c) => c.command === "install");
    expect(installs.length).toBeGreaterThan(0);
    for (const { line } of installs) expect(line).toContain("--frozen-lockfile");
  });

  it.each(workflows)("%s sets up the pnpm version package.json pins", (_, wf) => {
    const pinned = rootPackage.packageManager.replace(/^pnpm@/, "");
    expect(rootPackage.packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
    const setups = steps(wf).filter((s) => s.uses?.startsWith("pnpm/action-setup@"));
    expect(setups.length).toBeGreaterThan(0);
    for (const s of setups) {
      // Without `version`, the action reads packageManager; with it, the two must agree.
      if (s.with?.version !== undefined) expect(String(s.with.version)).toBe(pinned);
      else expect(s.with?.package_json_file ?? "package.json").toBe("package.json");
    }
  });

  it.each(workflows)("%s uses a Node.js of 20 or newer that package.json's engines accept", (_, wf) => {
    const minimum = version(rootPackage.engines.node);
    const setups = steps(wf).filter((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(setups.length).toBeGreaterThan(0);
    for (const s of setups) {
      const major = Number(s.with?.["node-version"]);
      expect(major).toBeGreaterThanOrEqual(20);
      expect(major).toBeGreaterThanOrEqual(minimum[0] as number);
      expect(s.with?.cache).toBe("pnpm");
    }
  });

  it("names only zips that the packages' build scripts write", () => {
    const names = lambdaZipNames();
    expect(names.size).toBeGreaterThan(0);
    for (const [, , raw] of workflows) {
      for (const m of raw.matchAll(/packages\/([\w-]+)\/dist\/([\w-]+)\.zip/g)) {
        expect(names.get(m[1] as string), `${m[0]}: packages/${m[1]}'s build --name`).toBe(m[2]);
      }
    }
  });

  it("sets up one Terraform version that every module's required_version accepts", () => {
    const versions = [terraformJob, planJob, applyJob].map(
      (job) => stepUsing(job, "hashicorp/setup-terraform").with?.terraform_version,
    );
    expect(new Set(versions).size).toBe(1);
    const pinned = version(String(versions[0]));
    expect(String(versions[0])).toMatch(/^\d+\.\d+\.\d+$/);
    // deploy.yml's S3 backend uses S3's own lock file (use_lockfile), new in Terraform 1.10.
    expect(compare(pinned, [1, 10, 0])).toBeGreaterThanOrEqual(0);
    for (const group of ["terraform/modules", "terraform/examples"]) {
      for (const dir of readdirSync(join(root, group))) {
        for (const f of tfFiles(join(group, dir))) {
          const src = readFileSync(join(root, group, dir, f), "utf8");
          for (const m of src.matchAll(/required_version\s*=\s*"([^"]+)"/g)) {
            for (const part of (m[1] as string).split(",").map((p) => p.trim())) {
              const op = /^(>=|~>|>|=)?\s*/.exec(part)?.[1] ?? "=";
              const v = version(part);
              if (op === ">=" || op === "~>")
                expect(compare(pinned, v), `${group}/${dir}: ${part}`).toBeGreaterThanOrEqual(0);
              if (op === ">") expect(compare(pinned, v), `${group}/${dir}: ${part}`).toBeGreaterThan(0);
              if (op === "~>") {
                // ~> 1.6 allows 1.x; ~> 1.6.0 allows 1.6.x.
                const fixed = part.split(".").length - 1;
                for (let i = 0; i < fixed; i++) expect(pinned[i], `${group}/${dir}: ${part}`).toBe(v[i]);
              }
            }
          }
        }
      }
    }
  });
});

describe("ci.yml", () => {
  it("runs on every push and pull request, and when deploy.yml calls it", () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(["push", "pull_request", "workflow_call"]));
    expect(ci.on.push ?? null).toBeNull(); // every branch
  });

  it("cancels superseded runs of a pull request but lets other runs finish", () => {
    expect(ci.concurrency?.group).toContain("github.event.pull_request.number");
    expect(String(ci.concurrency?.["cancel-in-progress"])).toContain("github.event_name == 'pull_request'");
  });

  it("runs lint, typecheck, the README's test command and the build, in that order", () => {
    const runs = (testJob.steps ?? []).map((s) => s.run?.trim() ?? "");
    const order = ["pnpm lint", "pnpm typecheck", "npm test", "pnpm build"].map((cmd) => runs.indexOf(cmd));
    for (const i of order) expect(i).toBeGreaterThanOrEqual(0);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The command the README documents and .ci/run calls.
    expect(read("README.md")).toMatch(/^npm test\b/m);
    expect(read(".ci/run")).toMatch(/^npm test$/m);
  });

  it("runs the tests on Debian with Java 17+ for the real-Keycloak tier", () => {
    const image = typeof testJob.container === "string" ? testJob.container : testJob.container?.image;
    expect(image).toMatch(/bookworm/);
    const java = stepUsing(testJob, "actions/setup-java");
    expect(java.with?.distribution).toBe("temurin");
    expect(Number(java.with?.["java-version"])).toBeGreaterThanOrEqual(17);
    expect(shellText(ci)).toMatch(/apt-get install .*\bmaven\b/);
    // The cache key follows the script that decides what the cache holds.
    const cache = stepUsing(testJob, "actions/cache");
    const key = String(cache.with?.key);
    for (const m of key.matchAll(/hashFiles\('([^']+)'\)/g)) {
      expect(existsSync(join(root, m[1] as string)), m[1]).toBe(true);
    }
  });

  it("writes the zip sizes to the step summary and uploads both Lambda zips", () => {
    const names = lambdaZipNames();
    const expected = [...names].map(([dir, name]) => `packages/${dir}/dist/${name}.zip`).sort();
    expect(expected).toEqual([
      "packages/edge-auth/dist/edge-auth.zip",
      "packages/validate-api/dist/validate-api.zip",
    ]);
    const report = (testJob.steps ?? []).find((s) => s.run?.includes("GITHUB_STEP_SUMMARY"));
    for (const zip of expected) expect(report?.run).toContain(zip);
    const uploads = (testJob.steps ?? []).filter((s) => s.uses?.startsWith("actions/upload-artifact@"));
    const zipUpload = uploads.find((s) => String(s.with?.path).includes(".zip"));
    const uploaded = String(zipUpload?.with?.path)
      .split("\n")
      .map((p) => p.trim())
      .filter(Boolean)
      .sort();
    expect(uploaded).toEqual(expected);
    expect(zipUpload?.with?.["if-no-files-found"]).toBe("error");
  });

  it("uploads test-results/ (the screenshots) even when the tests fail", () => {
    const upload = (testJob.steps ?? []).find(
      (s) => s.uses?.startsWith("actions/upload-artifact@") && String(s.with?.path).includes("test-results"),
    );
    expect(upload?.if).toMatch(/always\(\)|!cancelled\(\)/);
    expect(read("scripts/test.mjs")).toContain('"test-results"');
  });

  it("checks Terraform formatting and validates every module and example without a backend", () => {
    const shell = shellText({ ...ci, jobs: { terraform: terraformJob } });
    expect(shell).toContain("terraform fmt -check -recursive");
    const script = /(\.github\/scripts\/[\w.-]+\.sh)/.exec(shell)?.[1];
    expect(script).toBeDefined();
    const path = join(root, script as string);
    expect(statSync(path).mode & 0o111, `${script} is executable`).not.toBe(0);
    const body = readFileSync(path, "utf8");
    expect(body).toContain("init -backend=false");
    expect(body).toContain("validate");
    // The plan tests (tests/*.tftest.hcl) run too, in every folder that has them.
    expect(body).toContain(`compgen -G "\${dir}tests/*.tftest.hcl"`);
    expect(body).toMatch(/terraform -chdir="\$dir" test\b/);
    for (const group of ["terraform/modules", "terraform/examples"]) {
      expect(body).toContain(`${group}/*/`);
      const dirs = readdirSync(join(root, group)).filter((d) => statSync(join(root, group, d)).isDirectory());
      expect(dirs.length, `${group} has folders`).toBeGreaterThan(0);
      for (const d of dirs)
        expect(tfFiles(join(group, d)).length, `${group}/${d} has .tf files`).toBeGreaterThan(0);
    }
  });
});

/** The default of a `${{ vars.X || 'default' }}` expression. */
function defaultOf(expression: string | undefined): string {
  const m = /\|\|\s*'([^']+)'\s*\}\}$/.exec(String(expression));
  if (!m?.[1]) throw new Error(`no default in ${expression}`);
  return m[1];
}

function environmentOf(job: Job): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

function jobShell(job: Job): string {
  return shellText({ ...deploy, jobs: { job } });
}

describe("the Terraform plan tests", () => {
  const withTests = ["terraform/modules", "terraform/examples"].flatMap((group) =>
    readdirSync(join(root, group))
      .map((d) => join(group, d, "tests"))
      .filter((d) => existsSync(join(root, d)))
      .map((d) => [d, readdirSync(join(root, d)).filter((f) => f.endsWith(".tftest.hcl"))] as const),
  );

  it("exist, and CI's Terraform runs them with a version that has mock providers (1.7+)", () => {
    expect(withTests.length).toBeGreaterThan(0);
    const pinned = version(
      String(stepUsing(terraformJob, "hashicorp/setup-terraform").with?.terraform_version),
    );
    for (const [dir, files] of withTests) {
      expect(files.length, `${dir} has .tftest.hcl files`).toBeGreaterThan(0);
      const usesMocks = files.some((f) => read(join(dir, f)).includes("mock_provider"));
      if (usesMocks) expect(compare(pinned, [1, 7, 0]), dir).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("deploy.yml", () => {
  it("runs on pushes to main and by hand, and never for another branch", () => {
    expect(deploy.on.push).toEqual({ branches: ["main"] });
    expect(Object.keys(deploy.on)).toContain("workflow_dispatch");
    for (const job of [planJob, applyJob]) expect(job.if).toContain("github.ref == 'refs/heads/main'");
  });

  it("plans only after the whole CI workflow passed, and applies only after the plan", () => {
    const call = Object.values(deploy.jobs).find((j) => j.uses === "./.github/workflows/ci.yml");
    expect(call).toBeDefined();
    expect([planJob.needs].flat()).toContain("ci");
    expect([applyJob.needs].flat()).toContain("plan");
    expect(Object.keys(deploy.jobs).sort()).toEqual(["apply", "ci", "plan"]);
  });

  it("asks for the production environment's approval only for the apply, after the plan is there to read", () => {
    expect(environmentOf(applyJob)).toBe("production");
    // The plan job's environment has no reviewers; it is not the one the deploy role trusts.
    expect(environmentOf(planJob)).toBeDefined();
    expect(environmentOf(planJob)).not.toBe("production");
    // Only the apply job touches the site and the distribution.
    expect(jobShell(planJob)).not.toMatch(/\bapply\b.*tfplan|aws s3 sync|create-invalidation/);
  });

  it("never runs two deploys at once: one concurrency group for the whole run, never cancelled", () => {
    expect(deploy.concurrency).toEqual({ group: "deploy-production", "cancel-in-progress": false });
    for (const [id, job] of Object.entries(deploy.jobs)) expect(job.concurrency, `job ${id}`).toBeUndefined();
  });

  it("gets AWS credentials through GitHub's OIDC token in each job, never from stored keys", () => {
    const roles: Record<string, Job> = { AWS_PLAN_ROLE_ARN: planJob, AWS_DEPLOY_ROLE_ARN: applyJob };
    for (const [role, job] of Object.entries(roles)) {
      expect(job.permissions, role).toEqual({ "id-token": "write", contents: "read" });
      const aws = stepUsing(job, "aws-actions/configure-aws-credentials");
      expect(aws.with?.["role-to-assume"]).toMatch(new RegExp(`^\\$\\{\\{\\s*vars\\.${role}\\s*\\}\\}$`));
      expect(Object.keys(aws.with ?? {})).not.toContain("aws-access-key-id");
    }
    expect(text.deploy).not.toMatch(/AWS_SECRET_ACCESS_KEY|aws-secret-access-key/);
  });

  it("builds the zips before Terraform plans their upload", () => {
    const runs = (planJob.steps ?? []).map((s) => s.run ?? "");
    const build = runs.findIndex((r) => r.trim() === "pnpm build");
    const plan = runs.findIndex((r) => r.includes(" plan "));
    expect(build).toBeGreaterThanOrEqual(0);
    expect(plan).toBeGreaterThan(build);
  });

  it("plans to a file and shows that plan in the run's summary", () => {
    const shell = jobShell(planJob);
    expect(shell).toMatch(/terraform -chdir="\$TF_WORKING_DIR" plan [^\n]*\\\n[^\n]*-out=tfplan/);
    const show = (planJob.steps ?? []).find((s) => s.run?.includes(" show "))?.run ?? "";
    expect(show).toMatch(/terraform -chdir="\$TF_WORKING_DIR" show -no-color tfplan/);
    expect(show).toContain("GITHUB_STEP_SUMMARY");
    expect(shell).toContain("init -input=false");
  });

  it("hands the plan to the apply job as an encrypted artifact with the zips and lock file it was made with", () => {
    const pack = (planJob.steps ?? []).find((s) => s.id === "package");
    expect(pack?.run).toContain('"$TF_WORKING_DIR/tfplan"');
    expect(pack?.run).toContain('"$TF_WORKING_DIR/.terraform.lock.hcl"');
    for (const zip of [
      "packages/edge-auth/dist/edge-auth.zip",
      "packages/validate-api/dist/validate-api.zip",
    ])
      expect(pack?.run, zip).toContain(zip);
    // The plan holds the variables and the state's secrets: only its encrypted form leaves the runner.
    expect(pack?.run).toMatch(/openssl enc -aes-256-cbc -pbkdf2 [^\n]*-pass env:TF_PLAN_PASSPHRASE/);
    expect(pack?.env?.TF_PLAN_PASSPHRASE).toBe(`\${{ secrets.TF_PLAN_PASSPHRASE }}`);
    const upload = stepUsing(planJob, "actions/upload-artifact");
    expect(String(upload.with?.path)).toMatch(/\.enc$/);
    expect(upload.with?.["if-no-files-found"]).toBe("error");
    const download = stepUsing(applyJob, "actions/download-artifact");
    expect(download.with?.name).toBe(upload.with?.name);
  });

  it("applies exactly the approved plan: checksum from the plan job, same providers, no new plan", () => {
    expect(planJob.outputs?.plan_sha256).toBe(`\${{ steps.package.outputs.plan_sha256 }}`);
    const shell = jobShell(applyJob);
    expect(shell).toContain("sha256sum --check --strict");
    const unpack = (applyJob.steps ?? []).find((s) => s.run?.includes("sha256sum --check"));
    expect(unpack?.env?.PLAN_SHA256).toBe(`\${{ needs.plan.outputs.plan_sha256 }}`);
    expect(unpack?.run).toMatch(/openssl enc -d -aes-256-cbc -pbkdf2/);
    expect(shell).toContain("init -input=false -lockfile=readonly");
    expect(shell).toMatch(/terraform -chdir="\$TF_WORKING_DIR" apply [^\n]*tfplan$/m);
    expect(shell).not.toMatch(/terraform -chdir="\$TF_WORKING_DIR" plan /);
    // The plan and the apply must agree on the configuration and the state: workflow-level settings.
    for (const name of ["TF_WORKING_DIR", "STATE_BUCKET", "STATE_KEY", "STATE_REGION", "AWS_REGION"]) {
      expect(deploy.env?.[name], name).toBeDefined();
      for (const job of [planJob, applyJob]) expect(job.env?.[name], `${name} in a job`).toBeUndefined();
    }
  });

  it("applies a Terraform configuration that exists and declares the outputs it reads", () => {
    const dir = defaultOf(deploy.env?.TF_WORKING_DIR);
    expect(dir, "TF_WORKING_DIR's default").toMatch(/^terraform\//);
    expect(tfFiles(dir).length, `${dir} has .tf files`).toBeGreaterThan(0);
    const outputs = declaredOutputs(dir);
    const used = [...shellText(deploy).matchAll(/output -raw ([\w-]+)/g)].map((m) => m[1] as string);
    expect(used).toEqual(expect.arrayContaining(["distribution_id"]));
    for (const name of used) expect([...outputs], `output "${name}" in ${dir}`).toContain(name);
  });

  it("applies a configuration that uploads the zips the build step writes", () => {
    const dir = defaultOf(deploy.env?.TF_WORKING_DIR);
    const names = lambdaZipNames();
    const src = tfFiles(dir)
      .map((f) => readFileSync(join(root, dir, f), "utf8"))
      .join("\n");
    const zips = [...src.matchAll(/packages\/([\w-]+)\/dist\/([\w-]+)\.zip/g)];
    expect(zips.map((m) => m[1]).sort()).toEqual([...names.keys()].sort());
    for (const m of zips) expect(names.get(m[1] as string), m[0]).toBe(m[2]);
  });

  it("uploads a site folder that exists by default and may be overridden with SITE_DIR", () => {
    expect(applyJob.env?.SITE_DIR).toMatch(/^\$\{\{\s*vars\.SITE_DIR \|\|/);
    const site = defaultOf(applyJob.env?.SITE_DIR);
    expect(
      existsSync(join(root, site)) && statSync(join(root, site)).isDirectory(),
      `${site} is a folder`,
    ).toBe(true);
    expect(existsSync(join(root, site, "index.html")), `${site}/index.html`).toBe(true);
  });

  it("uploads the site in two passes, both private: fingerprinted assets immutable, the rest revalidated", () => {
    const upload = (applyJob.steps ?? []).find((s) => s.run?.includes("aws s3 sync"))?.run ?? "";
    const passes = upload.split("aws s3 sync").slice(1);
    expect(passes).toHaveLength(2);
    expect(passes[0]).toContain('--exclude "*" --include "assets/*"');
    expect(passes[0]).toContain('--cache-control "private, max-age=31536000, immutable"');
    expect(passes[1]).toContain('--exclude "assets/*"');
    expect(passes[1]).toContain('--cache-control "private, no-cache"');
    for (const pass of passes) expect(pass).toContain('"$SITE_DIR" "s3://$BUCKET" --delete');
    // What the objects carry is what the browser gets (no response headers policy overrides it):
    // content behind the login, so no shared cache may keep it.
    const controls = [...text.deploy.matchAll(/--cache-control "([^"]+)"/g)].map((m) => m[1] as string);
    expect(controls).toHaveLength(2);
    for (const c of controls) {
      expect(c).toMatch(/^private\b/);
      expect(c).not.toMatch(/public|s-maxage/);
    }
  });

  it("uploads as assets what the static site caches as assets, and the rest where CloudFront honours `private`", async () => {
    const site = await loadTerraformDir(join(root, "terraform/modules/static-site"));
    const upload = (applyJob.steps ?? []).find((s) => s.run?.includes("aws s3 sync"))?.run ?? "";
    const glob = /--include "([^"]+)"/.exec(upload)?.[1];
    // The module's pattern is rooted at the distribution (/assets/*), the sync's at the site folder.
    expect(`/${glob}`).toBe(site.variables.assets_path_pattern?.default);
    expect(upload).toContain(`--exclude "${glob}"`);
    // The assets' `private` objects are cached by CloudFront only through a minimum TTL above 0; the
    // rest goes through the default behavior, whose minimum TTL of 0 keeps the HTML revalidated.
    expect(Number(site.variables.assets_min_ttl?.default)).toBeGreaterThan(0);
    expect(site.resources["aws_cloudfront_cache_policy.assets"]?.min_ttl).toBe(`\${var.assets_min_ttl}`);
    expect(site.resources["aws_cloudfront_cache_policy.this"]?.min_ttl).toBe(0);
    // Objects without a Cache-Control get the module's private default.
    expect(String(site.variables.default_cache_control?.default)).toMatch(/^private\b/);
  });

  it("stops after a targeted apply (the first step of a first deploy) before reading outputs", () => {
    expect(Object.keys((deploy.on.workflow_dispatch as { inputs: object }).inputs)).toEqual(["target"]);
    const plan = (planJob.steps ?? []).find((s) => s.run?.includes(" plan "));
    expect(plan?.env?.TARGET).toBe(`\${{ inputs.target }}`);
    expect(plan?.run).toContain(`\${TARGET:+-target="$TARGET"}`);
    const after = (applyJob.steps ?? []).filter((s) =>
      /output -raw|aws s3 sync|create-invalidation/.test(s.run ?? ""),
    );
    expect(after).toHaveLength(3);
    for (const s of after) expect(s.if, s.name).toBe(`\${{ !inputs.target }}`);
  });

  it("invalidates every path on the distribution Terraform reports", () => {
    const shell = shellText(deploy);
    expect(shell).toContain(
      'aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION_ID" --paths "/*"',
    );
  });

  it("removes the plan and the variables file from the runner, also after a failure", () => {
    for (const job of [planJob, applyJob]) {
      const cleanup = (job.steps ?? []).find((s) => s.run?.includes('rm -f "$TF_WORKING_DIR/tfplan"'));
      expect(cleanup?.if).toMatch(/always\(\)/);
    }
    const planCleanup = (planJob.steps ?? []).find((s) => s.run?.includes("production.tfvars") && s.if);
    expect(planCleanup?.run).toContain('"$RUNNER_TEMP/production.tfvars"');
  });

  it("reads only variables and secrets the pipeline page (docs/ci.md) explains", () => {
    const page = read("docs/ci.md");
    const section =
      /<!-- section:pipeline:start -->([\s\S]*)<!-- section:pipeline:end -->/.exec(page)?.[1] ?? "";
    const names = new Set(
      [...text.deploy.matchAll(/\b(?:vars|secrets)\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] as string),
    );
    expect(names.size).toBeGreaterThan(0);
    for (const name of names) expect(section, `docs/ci.md pipeline section mentions ${name}`).toContain(name);
    for (const env of ["production", environmentOf(planJob) as string])
      expect(section, `docs/ci.md pipeline section explains the ${env} environment`).toContain(`\`${env}\``);
  });
});
