// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform expressions are "${…}" strings here.
// Static checks of terraform/: the AWS and Keycloak providers cannot be downloaded here, so `terraform
// validate` and `plan` cannot run. Instead every .tf file is parsed with @cdktf/hcl2json and checked for
// what validate would catch across modules (undeclared variables, module inputs, outputs) and for the
// rules of this repo (edge limits, secrets, zip paths, the SSM naming the handler uses). Where the
// Terraform CLI is present, `terraform fmt -check` runs, and `terraform console` (which needs no
// provider) evaluates the validation blocks and the config the modules build.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS } from "../packages/edge-auth/src/config.js";
import {
  type Body,
  expressionOf,
  loadTerraformDir,
  stringsIn,
  type TerraformDir,
} from "../terraform/tools/load-terraform-dir.js";
import { docsSection, normalizeDocs, renderDocs } from "../terraform/tools/render-docs.js";

const root = join(import.meta.dirname, "..");
const tfRoot = join(root, "terraform");
const MODULES = ["static-site", "edge-auth", "validate-api", "keycloak-ecs", "keycloak-realm"] as const;
const EXAMPLES = ["complete", "existing-idp"] as const;
const DIRS = [...MODULES.map((m) => `modules/${m}`), ...EXAMPLES.map((e) => `examples/${e}`)];
/** Module → the workspace package whose zip it deploys. */
const LAMBDA_PACKAGES: Record<string, string> = { "edge-auth": "edge-auth", "validate-api": "validate-api" };
/** Arguments of a module block that are not inputs of the module. */
const META_ARGUMENTS = new Set(["source", "version", "providers", "count", "for_each", "depends_on"]);
/** Names that look like secrets, and suffixes that mark a name as being about a secret, not one. */
const SECRET_NAME = /(^|_)(password|passwords|secret|secrets|token|tokens)(_|$)/;
const NOT_A_SECRET = /_(arn|id|ids|name|lifespan|ttl|seconds|ms|path|length|days)$/;
/** The keys the edge function accepts (it refuses any other): what the module may write into its config. */
const EDGE_CONFIG_KEYS = CONFIG_KEYS;
/** The validation API's environment variables (docs/contracts.md, and the optional ones its config reads). */
const VALIDATE_ENV = new Set([
  "ISSUER",
  "AUDIENCE",
  "JWKS_URI",
  "ALLOWED_ALGS",
  "CLOCK_TOLERANCE_S",
  "REQUIRED_CLAIMS",
  "JWKS_CACHE_TTL_S",
  "JWKS_COOLDOWN_S",
  "JWKS_TIMEOUT_MS",
  "MAX_TOKEN_BYTES",
]);

const tfEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
const terraformBin =
  spawnSync("terraform", ["version"], { encoding: "utf8", env: tfEnv }).status === 0
    ? "terraform"
    : undefined;
const NO_CLI = terraformBin ? "" : " (skipped: no terraform CLI on PATH)";
if (!terraformBin)
  console.warn("terraform CLI not found: skipping `terraform fmt` and `terraform console` checks");

const tf: Record<string, TerraformDir> = {};
for (const d of DIRS) tf[d] = await loadTerraformDir(join(tfRoot, d));

function dirOf(name: string): TerraformDir {
  const d = tf[name];
  if (!d) throw new Error(`no parsed directory ${name}`);
  return d;
}

function block(map: Record<string, Body>, key: string): Body {
  const b = map[key];
  if (!b) throw new Error(`missing block ${key}`);
  return b;
}

/** Nested blocks come back as lists of bodies. */
function nested(body: Body, name: string): Body {
  const v = body[name];
  const b = Array.isArray(v) ? v[0] : v;
  if (b === undefined || b === null || typeof b !== "object") throw new Error(`missing nested block ${name}`);
  return b as Body;
}

/** Expression strings of a parsed value (strings that contain an interpolation). */
function expressions(value: unknown): string[] {
  return stringsIn(value).filter((s) => s.includes("${"));
}

function matchesIn(value: unknown, re: RegExp): string[][] {
  return expressions(value).flatMap((s) => [...s.matchAll(re)].map((m) => m.slice(1)));
}

const VAR_REF = /\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g;
const MODULE_REF = /\bmodule\.([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)/g;

function allBodies(d: TerraformDir): unknown[] {
  return [
    d.variables,
    d.outputs,
    d.modules,
    d.resources,
    d.data,
    d.locals,
    d.providers,
    d.terraform,
  ] as unknown[];
}

/** The module directory a module block's source points to (relative to its caller). */
function sourceOf(caller: TerraformDir, call: Body): string {
  const source = String(call.source);
  return resolve(caller.dir, source);
}

function calledModule(caller: TerraformDir, call: Body): TerraformDir {
  const path = sourceOf(caller, call);
  const name = Object.keys(tf).find((k) => resolve(tfRoot, k) === path);
  if (!name) throw new Error(`module source ${String(call.source)} is not one of terraform/modules`);
  return dirOf(name);
}

function requiredProviders(d: TerraformDir): Record<string, Body> {
  const out: Record<string, Body> = {};
  for (const t of d.terraform)
    for (const rp of (t.required_providers ?? []) as Body[]) Object.assign(out, rp as Record<string, Body>);
  return out;
}

/** The runtime docs/development.md states for the modules ("the Terraform modules default to **`nodejs24.x`**"). */
function readmeRuntime(): string {
  const m = /Terraform modules default to \*\*`(nodejs\d+\.x)`\*\*/.exec(
    readFileSync(join(root, "docs", "development.md"), "utf8"),
  );
  if (!m?.[1]) throw new Error("docs/development.md does not state the Lambda runtime");
  return m[1];
}

/** `--name X` of a package's build script: the zip is dist/X.zip. */
function builtZip(pkg: string): string {
  const script: string = JSON.parse(readFileSync(join(root, "packages", pkg, "package.json"), "utf8")).scripts
    .build;
  const name = /--name\s+(\S+)/.exec(script)?.[1];
  if (!name) throw new Error(`packages/${pkg} build script has no --name`);
  return join(root, "packages", pkg, "dist", `${name}.zip`);
}

/** A source file of a workspace package exporting `name`, imported when present. */
async function importExport(
  pkg: string,
  name: string,
): Promise<((...args: unknown[]) => unknown) | undefined> {
  const src = join(root, "packages", pkg, "src");
  if (!existsSync(src)) return undefined;
  const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  const exporting = new RegExp(`export\\s+(async\\s+)?(function|const)\\s+${name}\\b`);
  const file = files.find((f) => exporting.test(readFileSync(join(src, f), "utf8")));
  if (!file) return undefined;
  const mod: Record<string, unknown> = await import(pathToFileURL(join(src, file)).href);
  const fn = mod[name];
  return typeof fn === "function" ? (fn as (...args: unknown[]) => unknown) : undefined;
}

/**
 * Evaluates `expr` with `terraform console` in a scratch directory holding `files`. Needs no provider and
 * no init. Returns the printed value and whether a variable's validation failed.
 */
function tfConsole(
  files: Record<string, string>,
  vars: Record<string, string>,
  expr: string,
): { value: string; invalid: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "tf-console-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const args = ["console", "-no-color", ...Object.entries(vars).flatMap(([k, v]) => ["-var", `${k}=${v}`])];
    const r = spawnSync(terraformBin ?? "terraform", args, {
      cwd: dir,
      input: `${expr}\n`,
      encoding: "utf8",
      env: tfEnv,
    });
    const output = `${r.stdout}\n${r.stderr}`;
    return {
      value: r.stdout.trim(),
      invalid: /Invalid value for variable/.test(output),
      output,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Placeholder values for a directory's required variables (those without a default), so that
 * `terraform console` can load its variables.tf: strings get "x", lists ["x"], maps {}.
 */
function requiredVarsOf(d: TerraformDir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(d.variables)) {
    if ("default" in v) continue;
    const type = expressionOf(v.type) ?? "string";
    out[name] =
      type.startsWith("list") || type.startsWith("set") ? '["x"]' : type.startsWith("map") ? "{}" : "x";
  }
  return out;
}

/**
 * The most values one listener rule condition (`path_pattern { values = … }` and the like) can hold: a
 * literal list counts its items, `local.x` a literal list local, and `local.x[count.index]` or
 * `each.value` over a local built with chunklist(…, n) at most n. Anything else cannot be bounded
 * statically and fails the test.
 */
function listenerConditionValues(d: TerraformDir, kind: string, blocks: unknown): number {
  const block = (Array.isArray(blocks) ? blocks[0] : blocks) as Body;
  if (kind === "query_string") return (Array.isArray(blocks) ? blocks : [blocks]).length;
  const values = block.values;
  if (Array.isArray(values)) return values.length;
  const expr = expressionOf(values) ?? "";
  const whole = /^local\.(\w+)$/.exec(expr);
  if (whole && Array.isArray(d.locals[whole[1] as string]))
    return (d.locals[whole[1] as string] as unknown[]).length;
  // A concat() of literal lists, some behind a condition: at most every quoted value in it.
  const local = whole ? d.locals[whole[1] as string] : undefined;
  if (typeof local === "string" && /^\$\{concat\(/.test(local) && !/local\.|var\.\w+\s*[,)]/.test(local))
    return (local.match(/"[^"]*"/g) ?? []).length;
  const element = /^local\.(\w+)\[count\.index\]$/.exec(expr);
  if (element) {
    const chunked = /chunklist\([^,]+,\s*(?:(\d+)|local\.(\w+))\)/.exec(
      String(d.locals[element[1] as string]),
    );
    const size = chunked?.[1] ?? d.locals[chunked?.[2] ?? ""];
    if (typeof size === "number" || (typeof size === "string" && /^\d+$/.test(size))) return Number(size);
  }
  throw new Error(`cannot bound the values of ${kind}: ${String(values)}`);
}

/**
 * A parsed attribute as HCL source: hcl2json gives a pure expression as "${expr}" and a template (text
 * with interpolations) as the template's text, which goes back in quotes.
 */
function hclOf(value: unknown): string {
  if (typeof value !== "string") return JSON.stringify(value);
  if (value.startsWith("${")) {
    let depth = 0;
    for (let i = 0; i < value.length; i++) {
      if (value[i] === "{") depth++;
      if (value[i] === "}" && --depth === 0) {
        if (i === value.length - 1) return value.slice(2, -1);
        break;
      }
    }
  }
  return JSON.stringify(value);
}

/** A console-printed string ("…" with HCL escapes) as a JS string. */
function consoleString(printed: string): string {
  return JSON.parse(printed.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{")) as string;
}

/** A locals block re-serialised from parsed expressions, for `terraform console`. */
function localsFile(d: TerraformDir, names: string[]): string {
  const lines = names.map((n) => {
    const v = d.locals[n];
    if (Array.isArray(v)) return `  ${n} = [\n${v.map((e) => `    ${hclOf(e)},`).join("\n")}\n  ]`;
    return `  ${n} = ${hclOf(v)}`;
  });
  return `locals {\n${lines.join("\n")}\n}\n`;
}

/** A nested block as hcl2json gives it (a list of bodies, or one body) as a list. */
function listOf(value: unknown): Body[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Body[];
}

/** The `dynamic "<type>"` blocks of a body. */
function dynamicBlocks(body: Body, type: string): Body[] {
  return listOf(body.dynamic).flatMap((d) => listOf(d[type]));
}

/**
 * Every cache behavior of a distribution, labelled: default_cache_behavior, literal
 * ordered_cache_behavior blocks and the content of `dynamic "ordered_cache_behavior"` blocks.
 */
function cacheBehaviorsOf(dist: Body): [string, Body][] {
  return [
    ...listOf(dist.default_cache_behavior).map((b): [string, Body] => ["default_cache_behavior", b]),
    ...listOf(dist.ordered_cache_behavior).map((b): [string, Body] => [
      `ordered_cache_behavior ${String(b.path_pattern)}`,
      b,
    ]),
    ...dynamicBlocks(dist, "ordered_cache_behavior").flatMap((dyn) =>
      listOf(dyn.content).map((b): [string, Body] => [
        `dynamic ordered_cache_behavior (for_each ${String(dyn.for_each)})`,
        b,
      ]),
    ),
  ];
}

describe("terraform fmt", () => {
  it.skipIf(!terraformBin)(
    `finds every .tf file formatted (terraform fmt -check -recursive)${NO_CLI}`,
    () => {
      const r = spawnSync(terraformBin ?? "terraform", ["fmt", "-check", "-recursive", "-diff", tfRoot], {
        encoding: "utf8",
        env: tfEnv,
      });
      expect(r.stdout).toBe("");
      expect(r.status).toBe(0);
    },
  );
});

describe.each(DIRS)("terraform/%s", (name) => {
  const d = dirOf(name);

  it("has main.tf, variables.tf, outputs.tf, versions.tf and README.md", () => {
    for (const f of ["main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"])
      expect(existsSync(join(d.dir, f)), f).toBe(true);
  });

  it("declares every variable it references", () => {
    const used = new Set(matchesIn(allBodies(d), VAR_REF).map(([v]) => v));
    const undeclared = [...used].filter((v) => v !== undefined && !(v in d.variables));
    expect(undeclared).toEqual([]);
  });

  it("gives every variable a type and a description", () => {
    for (const [v, body] of Object.entries(d.variables)) {
      expect(body.type, `variable ${v} type`).toBeTypeOf("string");
      expect(String(body.description ?? "").length, `variable ${v} description`).toBeGreaterThan(10);
    }
  });

  it("describes every output", () => {
    for (const [o, body] of Object.entries(d.outputs))
      expect(String(body.description ?? "").length, `output ${o} description`).toBeGreaterThan(10);
  });

  it("marks every secret-looking variable sensitive", () => {
    const secrets = Object.keys(d.variables).filter((v) => SECRET_NAME.test(v) && !NOT_A_SECRET.test(v));
    for (const v of secrets) expect(block(d.variables, v).sensitive, `variable ${v}`).toBe(true);
  });

  it("exposes no sensitive variable in an output", () => {
    for (const [o, body] of Object.entries(d.outputs)) {
      const leaked = matchesIn(body.value, VAR_REF)
        .map(([v]) => v ?? "")
        .filter((v) => d.variables[v]?.sensitive === true);
      expect(leaked, `output ${o}`).toEqual([]);
    }
  });

  it("pins every provider it uses in versions.tf", () => {
    expect(d.files["versions.tf"]).toMatch(/required_providers/);
    const pinned = requiredProviders(d);
    const used = new Set(
      [...Object.keys(d.resources), ...Object.keys(d.data)]
        .map((k) => k.split("_")[0] ?? "")
        .filter((p) => p !== "terraform"),
    );
    for (const p of used) {
      expect(pinned[p], `provider ${p}`).toBeDefined();
      expect(String(pinned[p]?.version), `provider ${p} version`).toMatch(/^~> \d+\.\d+$/);
    }
  });

  it("has README inputs and outputs tables that match its variables and outputs", () => {
    const readme = readFileSync(join(d.dir, "README.md"), "utf8");
    // Regenerate with: pnpm tsx terraform/tools/update-readmes.ts
    expect(normalizeDocs(docsSection(readme) ?? "(no tables)")).toBe(normalizeDocs(renderDocs(d)));
    expect(readme).toMatch(/## Usage|## Apply/);
  });
});

/**
 * Names AWS derives from a module's name input, with AWS's limits on them: the name validation must
 * refuse every name that would break one of them at apply time. [module, variable, longest accepted
 * name, other required variables, resource attribute → limit].
 */
const NAME_LIMITS: [string, string, number, Record<string, string>, Record<string, number>][] = [
  [
    "modules/static-site",
    "name",
    36,
    { edge_function_qualified_arn: "arn:aws:lambda:us-east-1:123456789012:function:site-auth:1" },
    {
      // 63 less the 26 characters of the unique suffix.
      "aws_s3_bucket.this.bucket_prefix": 37,
      "aws_cloudfront_origin_access_control.this.name": 64,
      "aws_cloudfront_cache_policy.this.name": 128,
      "aws_cloudfront_response_headers_policy.this.name": 128,
      "aws_cloudfront_cache_policy.assets.name": 128,
    },
  ],
  [
    "modules/validate-api",
    "name",
    57,
    {
      zip_path: "validate-api.zip",
      issuer: "https://sso.example.com/realms/demo",
      audience: '["static-site"]',
    },
    {
      "aws_iam_role.this.name": 64,
      "aws_lambda_function.this.function_name": 64,
      "aws_apigatewayv2_api.this.name": 128,
    },
  ],
  [
    "modules/edge-auth",
    "function_name",
    54,
    {
      zip_path: "edge-auth.zip",
      session_check_code_path: "session-check.js",
      issuer: "https://sso.example.com/realms/demo",
      client_id: "static-site",
      validate_url: "https://api.example.com/validate",
    },
    // Replicas run as us-east-1.<function_name>, which must fit Lambda's 64 too (hence 54). CloudFront
    // Functions and KeyValueStores take 64 as well.
    {
      "aws_iam_role.this.name": 64,
      "aws_lambda_function.this.function_name": 64,
      "aws_cloudfront_function.session_check.name": 64,
      "aws_cloudfront_key_value_store.this.name": 64,
    },
  ],
  [
    "modules/keycloak-ecs",
    "name",
    28,
    {
      vpc_id: "vpc-0123456789abcdef0",
      public_subnet_ids: '["subnet-a","subnet-b"]',
      private_subnet_ids: '["subnet-c","subnet-d"]',
      domain: "sso.example.com",
      certificate_arn: "arn:aws:acm:eu-west-1:123456789012:certificate/0000",
    },
    {
      "aws_lb.this.name": 32,
      // IAM role names have 64, less the 26 characters of the unique suffix; RDS identifiers 63 less 26.
      "aws_iam_role.execution.name_prefix": 38,
      "aws_iam_role.task.name_prefix": 38,
      "aws_db_instance.this.identifier_prefix": 37,
      "aws_ecs_cluster.this.name": 255,
      "aws_ecs_service.this.name": 255,
    },
  ],
];

describe.skipIf(!terraformBin)(`name inputs, evaluated by terraform console${NO_CLI}`, () => {
  describe.each(NAME_LIMITS)("%s var.%s", (dir, variable, longest, others, limits) => {
    const d = dirOf(dir);
    const files = { "variables.tf": d.files["variables.tf"] ?? "" };
    const name = (n: number) => `a${"b".repeat(n - 1)}`;

    it(`accepts ${longest} characters and refuses ${longest + 1}`, () => {
      expect(tfConsole(files, { ...others, [variable]: name(longest) }, `var.${variable}`).invalid).toBe(
        false,
      );
      expect(tfConsole(files, { ...others, [variable]: name(longest + 1) }, `var.${variable}`).invalid).toBe(
        true,
      );
    });

    it.each(Object.entries(limits))("keeps %s within %i characters at the longest name", (attr, limit) => {
      const [type, resource, key] = attr.split(".") as [string, string, string];
      const value = block(d.resources, `${type}.${resource}`)[key];
      expect(value, attr).toBeDefined();
      const r = tfConsole(files, { ...others, [variable]: name(longest) }, `length(${hclOf(value)})`);
      expect(r.output).not.toMatch(/Error:/);
      expect(Number(r.value), attr).toBeLessThanOrEqual(limit);
    });
  });
});

describe("provider versions", () => {
  it("pins the same version of each provider in every module and example", () => {
    const seen: Record<string, Set<string>> = {};
    for (const d of Object.values(tf))
      for (const [p, spec] of Object.entries(requiredProviders(d))) {
        const specs = seen[p] ?? new Set<string>();
        specs.add(`${String(spec.source)} ${String(spec.version)}`);
        seen[p] = specs;
      }
    for (const [p, specs] of Object.entries(seen)) expect([...specs], p).toHaveLength(1);
    // 6.19: the first AWS provider that knows nodejs24.x; 6.x has the write-only arguments and `region`.
    expect([...(seen.aws ?? [])]).toEqual(["hashicorp/aws ~> 6.19"]);
    expect([...(seen.keycloak ?? [])][0]).toMatch(/^keycloak\/keycloak ~> 5\./);
  });
});

describe.each(EXAMPLES)("the %s example's module calls", (example) => {
  const d = dirOf(`examples/${example}`);

  it("set every required input of each module and no unknown one", () => {
    for (const [call, body] of Object.entries(d.modules)) {
      const m = calledModule(d, body);
      const given = Object.keys(body).filter((k) => !META_ARGUMENTS.has(k));
      const required = Object.entries(m.variables)
        .filter(([, v]) => !("default" in v))
        .map(([k]) => k);
      expect(
        required.filter((r) => !given.includes(r)),
        `module.${call}: missing inputs`,
      ).toEqual([]);
      expect(
        given.filter((g) => !(g in m.variables)),
        `module.${call}: unknown inputs`,
      ).toEqual([]);
    }
  });

  it("refer only to outputs the called modules declare", () => {
    const refs = matchesIn(allBodies(d), MODULE_REF);
    expect(refs.length).toBeGreaterThan(0);
    for (const [call = "", output = ""] of refs) {
      const body = d.modules[call];
      expect(body, `module.${call}`).toBeDefined();
      if (body) expect(calledModule(d, body).outputs, `module.${call}.${output}`).toHaveProperty(output);
    }
  });

  it("pass the us_east_1 provider alias to the edge function", () => {
    const edge = Object.values(d.modules).find((b) => sourceOf(d, b).endsWith("modules/edge-auth"));
    expect(edge?.providers).toEqual({ "aws.us_east_1": "${aws.us_east_1}" });
  });

  it("read the Lambda zips where pnpm build writes them", () => {
    let checked = 0;
    for (const body of Object.values(d.modules)) {
      const moduleName = sourceOf(d, body).split("/").pop() ?? "";
      const pkg = LAMBDA_PACKAGES[moduleName];
      if (!pkg) continue;
      const zip = String(body.zip_path).replace("${path.root}", d.dir).replace("${path.module}", d.dir);
      expect(resolve(zip), `module ${moduleName}`).toBe(builtZip(pkg));
      checked++;
    }
    expect(checked).toBe(2);
  });

  it("read the CloudFront Function where pnpm build writes it, and choose the mode for both modules at once", () => {
    const edge = Object.values(d.modules).find((b) => sourceOf(d, b).endsWith("modules/edge-auth"));
    const site = Object.values(d.modules).find((b) => sourceOf(d, b).endsWith("modules/static-site"));
    const path = /coalesce\(var\.session_check_code_path, "\$\{path\.root\}([^"]+)"\)/.exec(
      String(edge?.session_check_code_path),
    )?.[1];
    expect(path, "module.edge_auth.session_check_code_path").toBeDefined();
    // packages/session-check/scripts/build.ts writes dist/session-check.js by default.
    expect(resolve(d.dir + String(path))).toBe(
      join(root, "packages", "session-check", "dist", "session-check.js"),
    );
    expect(readFileSync(join(root, "packages", "session-check", "scripts", "build.ts"), "utf8")).toContain(
      'join(pkgDir, "dist", "session-check.js")',
    );
    expect(edge?.mode).toBe("${var.mode}");
    expect(site?.mode).toBe("${var.mode}");
    expect(site?.session_check_function_arn).toBe("${module.edge_auth.session_check_function_arn}");
    expect(block(d.variables, "mode").default).toBe("cloudfront-function");
  });

  it.skipIf(!terraformBin)(
    `build the edge function's site_origin for every site_domain the example accepts${NO_CLI}`,
    () => {
      const edge = Object.values(d.modules).find((b) => sourceOf(d, b).endsWith("modules/edge-auth"));
      expect(edge?.site_origin, "module.edge_auth.site_origin").toBeDefined();
      const expr = hclOf(edge?.site_origin);
      const files = {
        "variables.tf": d.files["variables.tf"] ?? "",
        "locals.tf": `locals {\n  site_origin = ${expr}\n}\n`,
      };
      const required = requiredVarsOf(d);
      const withDomain = tfConsole(
        files,
        { ...required, site_domain: "www.example.com" },
        "local.site_origin",
      );
      expect(withDomain.output).not.toMatch(/Error:/);
      expect(consoleString(withDomain.value)).toBe("https://www.example.com");
      const domain = block(d.variables, "site_domain");
      if (domain.nullable === false) {
        // site_domain can never be null here: Terraform refuses a null before anything is evaluated.
        expect("default" in domain).toBe(false);
        return;
      }
      // The documented default (null: the site on its cloudfront.net name only) must plan as well.
      delete required.site_domain;
      const withoutDomain = tfConsole(files, required, "local.site_origin");
      expect(withoutDomain.output).not.toMatch(/Error:/);
      // A typed null prints as tostring(null).
      expect(withoutDomain.value).toMatch(/^(tostring\()?null\)?$/);
    },
  );

  it("output nothing a module marks sensitive", () => {
    for (const [o, body] of Object.entries(d.outputs)) {
      for (const [call = "", output = ""] of matchesIn(body.value, MODULE_REF)) {
        const callBody = d.modules[call];
        if (!callBody) continue;
        expect(calledModule(d, callBody).outputs[output]?.sensitive, `output ${o}`).not.toBe(true);
      }
    }
  });
});

describe("the edge function (modules/edge-auth)", () => {
  const d = dirOf("modules/edge-auth");
  const fn = block(d.resources, "aws_lambda_function.this");

  it("has no environment block (Lambda@Edge refuses environment variables)", () => {
    expect(fn).not.toHaveProperty("environment");
  });

  it("runs on the README's runtime by default, one Lambda@Edge supports (nodejs22.x or newer)", () => {
    expect(fn.runtime).toBe("${var.runtime}");
    const runtime = String(block(d.variables, "runtime").default);
    expect(runtime).toBe(readmeRuntime());
    expect(runtime).toBe("nodejs24.x");
    const condition = String(nested(block(d.variables, "runtime"), "validation").condition);
    expect(condition).not.toContain("nodejs20.x");
  });

  it("defaults to at most 128 MB and 5 s, and its validation blocks say so", () => {
    expect(fn.memory_size).toBe("${var.memory_size}");
    expect(fn.timeout).toBe("${var.timeout}");
    expect(Number(block(d.variables, "memory_size").default)).toBeLessThanOrEqual(128);
    expect(Number(block(d.variables, "timeout").default)).toBeLessThanOrEqual(5);
    expect(String(nested(block(d.variables, "memory_size"), "validation").condition)).toContain(
      "var.memory_size <= 128",
    );
    expect(String(nested(block(d.variables, "timeout"), "validation").condition)).toContain(
      "var.timeout <= 5",
    );
  });

  describe.skipIf(!terraformBin)(`its validation blocks, evaluated by terraform console${NO_CLI}`, () => {
    const files = { "variables.tf": d.files["variables.tf"] ?? "" };
    const valid = {
      function_name: "site-auth",
      zip_path: "edge-auth.zip",
      session_check_code_path: "session-check.js",
      issuer: "https://sso.example.com/realms/demo",
      client_id: "static-site",
      validate_url: "https://api.example.com/validate",
    };

    it("accept the defaults", () => {
      expect(tfConsole(files, valid, "var.memory_size").invalid).toBe(false);
      expect(consoleString(tfConsole(files, valid, "var.mode").value)).toBe("cloudfront-function");
    });

    it.each([
      ["memory_size", "129"],
      ["timeout", "6"],
      ["runtime", "nodejs20.x"],
      ["validate_url", "http://api.example.com/validate"],
      ["issuer", "http://sso.example.com/realms/demo"],
      ["log_retention_in_days", "45"],
      ["mode", "cloudfront-functions"],
      ["session_key_id", "k/1"],
      ["previous_session_key_id", "k1"],
      ["session_check_code_path", "session-check.zip"],
      // In the fast path only /_auth/* runs Lambda@Edge.
      ["callback_path", "/callback"],
      ["logout_path", "/logout"],
    ])("refuse %s = %s", (variable, value) => {
      expect(tfConsole(files, { ...valid, [variable]: value }, "var.memory_size").invalid).toBe(true);
    });

    it.each([
      ["callback_path", "/callback"],
      ["logout_path", "/logout"],
    ])("accept %s = %s in mode lambda-edge, where the edge runs on every path", (variable, value) => {
      const lambdaEdge = { ...valid, mode: "lambda-edge", [variable]: value };
      expect(tfConsole(files, lambdaEdge, "var.memory_size").invalid).toBe(false);
    });
  });

  it("publishes a version and creates everything in us-east-1 through the passed-in alias", () => {
    expect(fn.publish).toBe(true);
    expect(fn.architectures).toEqual(["x86_64"]);
    for (const [k, body] of [...Object.entries(d.resources), ...Object.entries(d.data)])
      if (!k.startsWith("random_")) expect(body.provider, k).toBe("${aws.us_east_1}");
    const aws = requiredProviders(d).aws;
    expect(aws?.configuration_aliases).toEqual(["${aws.us_east_1}"]);
  });

  it("keeps its config, client secret included, out of the state: the parameter's value is write-only", () => {
    const param = block(d.resources, "aws_ssm_parameter.this");
    expect(param).not.toHaveProperty("value");
    expect(param.value_wo).toBe("${local.config_json}");
    // The version that re-writes it follows the config; the function's description takes it through the
    // parameter, so a config-only change publishes a version (and the parameter is written first).
    expect(param.value_wo_version).toBe("${local.config_version}");
    expect(String(fn.description)).toContain("${aws_ssm_parameter.this.value_wo_version}");
    expect(String(d.locals.config_version)).toContain("sha256(local.config_json)");
  });

  it("has a role that lambda.amazonaws.com and edgelambda.amazonaws.com may assume", () => {
    const principals = nested(
      nested(block(d.data, "aws_iam_policy_document.assume"), "statement"),
      "principals",
    );
    expect(principals.identifiers).toEqual(["lambda.amazonaws.com", "edgelambda.amazonaws.com"]);
  });

  it("may read its own parameter and no other", () => {
    const statements = block(d.data, "aws_iam_policy_document.this").statement as Body[];
    const ssm = statements.filter((s) => stringsIn(s.actions).some((a) => a.startsWith("ssm:")));
    expect(ssm).toHaveLength(1);
    expect(ssm[0]?.actions).toEqual(["ssm:GetParameter"]);
    expect(ssm[0]?.resources).toEqual(["${local.parameter_arn}"]);
    expect(String(d.locals.parameter_arn)).toMatch(/:parameter\$\{local\.parameter_name\}$/);
  });

  it("keeps its config in a SecureString parameter named the way the handler derives it", async () => {
    const param = block(d.resources, "aws_ssm_parameter.this");
    expect(param.type).toBe("SecureString");
    expect(param.name).toBe("${local.parameter_name}");
    const rendered = String(d.locals.parameter_name).replace("${var.function_name}", "site-auth");
    const ssmParameterName = await importExport("edge-auth", "ssmParameterName");
    // Until packages/edge-auth exports ssmParameterName, compare with the convention it documents.
    const expected = ssmParameterName
      ? String(ssmParameterName("us-east-1.site-auth"))
      : "/static-sso/edge-auth/site-auth/config";
    expect(rendered).toBe(expected);
  });

  it.skipIf(!terraformBin)(
    `refuses a session-check function over CloudFront's 10 KB, counted in bytes${NO_CLI}`,
    () => {
      const fnCheck = block(d.resources, "aws_cloudfront_function.session_check");
      expect(fnCheck.runtime).toBe("cloudfront-js-2.0");
      expect(fnCheck.publish).toBe(true);
      const precondition = nested(nested(fnCheck, "lifecycle"), "precondition");
      expect(precondition.condition).toBe("${local.session_check_code_bytes <= 10240}");
      const bytesOf = (code: string) => {
        const files = {
          "variables.tf": d.files["variables.tf"] ?? "",
          "locals.tf": localsFile(d, ["fast_path", "session_check_code_b64", "session_check_code_bytes"]),
          "session-check.js": code,
        };
        const vars = {
          function_name: "site-auth",
          zip_path: "edge-auth.zip",
          session_check_code_path: "session-check.js",
          issuer: "https://sso.example.com/realms/demo",
          client_id: "static-site",
          validate_url: "https://api.example.com/validate",
        };
        const r = tfConsole(files, vars, "local.session_check_code_bytes");
        expect(r.output).not.toMatch(/Error:/);
        return Number(r.value);
      };
      // Characters are not bytes: "€" is three.
      for (const code of ["a", "ab", "abc", "é€a", `${"x".repeat(10237)}€`, `${"x".repeat(10238)}€`])
        expect(bytesOf(code), JSON.stringify(code.slice(-8))).toBe(Buffer.byteLength(code));
    },
  );

  it("writes only config keys the handler knows", () => {
    const keys = (d.locals.config_parts as string[]).flatMap((p) => [
      ...p.matchAll(/\b([a-zA-Z]+)\s*=\s*var\./g),
    ]);
    expect(keys.length).toBeGreaterThan(5);
    for (const [, key] of keys) expect(EDGE_CONFIG_KEYS, String(key)).toContain(key);
  });

  const KEY_CURRENT = `k2:${"B".repeat(43)}`;
  const KEY_PREVIOUS = `k1:${"A".repeat(43)}`;

  /** The edge's config parser as packages/edge-auth has it: the module's config must pass it as written. */
  async function edgeParser(): Promise<((config: Record<string, unknown>) => unknown) | undefined> {
    return (await importExport("edge-auth", "parseConfig")) as
      | ((config: Record<string, unknown>) => unknown)
      | undefined;
  }

  /** The config JSON the module writes to SSM for these inputs, evaluated by `terraform console`. */
  function configJson(extra: Record<string, string>, keyPrevious?: string): Record<string, unknown> {
    // The session keys come from resources (random_bytes) that `terraform console` cannot create: fixed
    // stand-ins here, the real ones in tests/session-keys.tftest.hcl.
    const files = {
      "variables.tf": d.files["variables.tf"] ?? "",
      "locals.tf": localsFile(d, ["config_parts", "config_json", "validate_region", "fast_path"]),
      "keys.tf": `locals {\n  session_key_current  = "${KEY_CURRENT}"\n  session_key_previous = ${keyPrevious ? `"${keyPrevious}"` : "null"}\n}\n`,
    };
    const vars = {
      function_name: "site-auth",
      zip_path: "edge-auth.zip",
      session_check_code_path: "session-check.js",
      issuer: "https://sso.example.com/realms/demo",
      client_id: "static-site",
      validate_url: "https://api.example.com/validate",
      ...extra,
    };
    const r = tfConsole(files, vars, "nonsensitive(local.config_json)");
    expect(r.invalid, r.output).toBe(false);
    return JSON.parse(consoleString(r.value)) as Record<string, unknown>;
  }

  it.skipIf(!terraformBin)(`builds config JSON that the handler's parser accepts${NO_CLI}`, async () => {
    const config = configJson({
      client_secret: "not-a-real-secret",
      public_paths: '["/public/*"]',
      path_roles: '{"/staff/*" = ["staff"]}',
    });
    expect(config).toMatchObject({
      issuer: "https://sso.example.com/realms/demo",
      clientId: "static-site",
      clientSecret: "not-a-real-secret",
      validateUrl: "https://api.example.com/validate",
      publicPaths: ["/public/*"],
      requiredRoles: { "/staff/*": ["staff"] },
    });
    const parseConfig = await edgeParser();
    if (parseConfig) expect(parseConfig(config)).toMatchObject({ clientId: "static-site" });
  });

  it.skipIf(!terraformBin)(
    `gives the edge its mode and, in the fast path, the session keys it mints with${NO_CLI}`,
    async () => {
      const fast = configJson({});
      expect(fast).toMatchObject({ mode: "cloudfront-function", sessionKeys: { current: KEY_CURRENT } });
      expect(fast.sessionKeys).not.toHaveProperty("previous");
      const rotated = configJson({}, KEY_PREVIOUS);
      expect(rotated.sessionKeys).toEqual({ current: KEY_CURRENT, previous: KEY_PREVIOUS });
      const lambdaEdge = configJson({ mode: "lambda-edge" });
      expect(lambdaEdge.mode).toBe("lambda-edge");
      expect(lambdaEdge).not.toHaveProperty("sessionKeys");
      const parseConfig = await edgeParser();
      if (parseConfig)
        for (const config of [rotated, lambdaEdge])
          expect(parseConfig(config)).toMatchObject({ clientId: "static-site" });
    },
  );

  it.skipIf(!terraformBin)(
    `tells the function to sign its validation calls for the API's region when given the route${NO_CLI}`,
    () => {
      const signed = configJson({
        validate_route_arn: "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default/POST/validate",
      });
      expect(signed).toMatchObject({ validateAuth: "iam", validateRegion: "eu-west-1" });
      const unsigned = configJson({});
      expect(unsigned).not.toHaveProperty("validateAuth");
      expect(unsigned).not.toHaveProperty("validateRegion");
    },
  );

  it.skipIf(!terraformBin)(
    `leaves siteOrigin out of the config when site_origin is null, so the handler uses the Host${NO_CLI}`,
    async () => {
      const config = configJson({});
      expect(config).not.toHaveProperty("siteOrigin");
      const siteOriginOf = await importExport("edge-auth", "siteOriginOf");
      if (siteOriginOf)
        expect(siteOriginOf("d111111abcdef8.cloudfront.net", config)).toBe(
          "https://d111111abcdef8.cloudfront.net",
        );
    },
  );
});

describe("the validation API (modules/validate-api)", () => {
  const d = dirOf("modules/validate-api");
  const fn = block(d.resources, "aws_lambda_function.this");

  it("runs on the README's runtime by default", () => {
    expect(fn.runtime).toBe("${var.runtime}");
    expect(block(d.variables, "runtime").default).toBe(readmeRuntime());
  });

  it("routes POST /validate and GET /health to the function with payload format 2.0", () => {
    expect(String(d.locals.routes)).toContain('"POST /validate"');
    expect(String(d.locals.routes)).toContain('"GET /health"');
    const integration = block(d.resources, "aws_apigatewayv2_integration.this");
    expect(integration.integration_type).toBe("AWS_PROXY");
    expect(integration.payload_format_version).toBe("2.0");
    expect(block(d.outputs, "validate_url").value).toBe("${aws_apigatewayv2_api.this.api_endpoint}/validate");
  });

  it("throttles and writes access logs to a log group with retention", () => {
    const stage = block(d.resources, "aws_apigatewayv2_stage.this");
    expect(stage.name).toBe("$default");
    expect(stage.auto_deploy).toBe(true);
    expect(nested(stage, "default_route_settings")).toMatchObject({
      throttling_burst_limit: "${var.throttling_burst_limit}",
      throttling_rate_limit: "${var.throttling_rate_limit}",
    });
    expect(nested(stage, "access_log_settings").destination_arn).toBe(
      "${aws_cloudwatch_log_group.access.arn}",
    );
    for (const g of ["aws_cloudwatch_log_group.access", "aws_cloudwatch_log_group.function"])
      expect(block(d.resources, g).retention_in_days).toBe("${var.log_retention_in_days}");
  });

  it("sets only environment variables the function reads", () => {
    const names = [...String(d.locals.environment).matchAll(/\b([A-Z][A-Z0-9_]+)\s*=/g)].map((m) => m[1]);
    expect(names).toEqual(
      expect.arrayContaining(["ISSUER", "AUDIENCE", "ALLOWED_ALGS", "CLOCK_TOLERANCE_S"]),
    );
    for (const n of names) expect(VALIDATE_ENV, String(n)).toContain(n);
  });

  it.skipIf(!terraformBin)(
    `builds an environment the function's config reader accepts${NO_CLI}`,
    async () => {
      const files = {
        "variables.tf": d.files["variables.tf"] ?? "",
        "locals.tf": localsFile(d, ["environment"]),
      };
      const vars = {
        name: "validate",
        zip_path: "validate-api.zip",
        issuer: "https://sso.example.com/realms/demo",
        audience: '["static-site","other"]',
      };
      const r = tfConsole(files, vars, "jsonencode(local.environment)");
      expect(r.invalid, r.output).toBe(false);
      const env = JSON.parse(consoleString(r.value)) as Record<string, string>;
      expect(env).toMatchObject({ ISSUER: vars.issuer, AUDIENCE: "static-site,other" });
      const configFromEnv = await importExport("validate-api", "configFromEnv");
      if (configFromEnv)
        expect(configFromEnv(env)).toMatchObject({ issuer: vars.issuer, audience: ["static-site", "other"] });
    },
  );
});

describe("the static site (modules/static-site)", () => {
  const d = dirOf("modules/static-site");
  const dist = block(d.resources, "aws_cloudfront_distribution.this");
  const behaviors = cacheBehaviorsOf(dist);
  const headersPolicy = block(d.resources, "aws_cloudfront_response_headers_policy.this");
  const defaultPolicy = block(d.resources, "aws_cloudfront_cache_policy.this");
  const assetsPolicy = block(d.resources, "aws_cloudfront_cache_policy.assets");
  const assetsBehaviors = dynamicBlocks(dist, "ordered_cache_behavior");
  const assetsBehavior = nested(assetsBehaviors[0] ?? {}, "content");

  it("has a default cache behavior, the edge's /_auth/* one first, and an ordered one for the assets", () => {
    expect(behaviors.map(([label]) => label.split(" ")[0])).toEqual([
      "default_cache_behavior",
      "ordered_cache_behavior",
      "dynamic",
    ]);
    expect(behaviors[1]?.[0]).toBe("ordered_cache_behavior /_auth/*");
    expect(assetsBehaviors).toHaveLength(1);
  });

  it("runs exactly one login check on viewer-request in every cache behavior of every distribution", () => {
    // A behavior without one would serve the protected content under its path to anyone. The site's
    // behaviors run the session-check function (mode cloudfront-function) or Lambda@Edge (lambda-edge),
    // chosen by two lists of which exactly one holds an ARN (evaluated for both modes below); /_auth/*
    // runs Lambda@Edge in both modes, as a literal block that cannot come out empty.
    let distributions = 0;
    for (const [name, dir] of Object.entries(tf)) {
      for (const [key, resource] of Object.entries(dir.resources)) {
        if (!key.startsWith("aws_cloudfront_distribution.")) continue;
        distributions++;
        const found = cacheBehaviorsOf(resource);
        // Every behavior block in the source is one the parser found (none hides in another shape).
        const text = Object.values(dir.files).join("\n");
        const declared = text.match(
          /^\s*(?:(?:default|ordered)_cache_behavior\s*\{|dynamic\s+"(?:default|ordered)_cache_behavior"\s*\{)/gm,
        );
        expect(found.length, `${name} ${key}: behaviors found`).toBe(declared?.length);
        expect(found.length, `${name} ${key}`).toBeGreaterThan(0);
        for (const [label, behavior] of found) {
          const where = `${name} ${key} ${label}`;
          if (behavior.path_pattern === "/_auth/*") {
            expect(dynamicBlocks(behavior, "lambda_function_association"), where).toEqual([]);
            expect(listOf(behavior.lambda_function_association), where).toEqual([
              {
                event_type: "viewer-request",
                lambda_arn: "${var.edge_function_qualified_arn}",
                include_body: false,
              },
            ]);
            expect(behavior, where).not.toHaveProperty("function_association");
            expect(dynamicBlocks(behavior, "function_association"), where).toEqual([]);
            continue;
          }
          expect(behavior, where).not.toHaveProperty("function_association");
          expect(behavior, where).not.toHaveProperty("lambda_function_association");
          const fnAssoc = dynamicBlocks(behavior, "function_association");
          const lambdaAssoc = dynamicBlocks(behavior, "lambda_function_association");
          expect(
            fnAssoc.map((b) => b.for_each),
            where,
          ).toEqual(["${local.site_function_arns}"]);
          expect(
            lambdaAssoc.map((b) => b.for_each),
            where,
          ).toEqual(["${local.site_lambda_arns}"]);
          expect(listOf(fnAssoc[0]?.content), where).toEqual([
            { event_type: "viewer-request", function_arn: "${function_association.value}" },
          ]);
          expect(listOf(lambdaAssoc[0]?.content), where).toEqual([
            {
              event_type: "viewer-request",
              lambda_arn: "${lambda_function_association.value}",
              include_body: false,
            },
          ]);
        }
      }
    }
    expect(distributions).toBeGreaterThan(0);
  });

  describe.skipIf(!terraformBin)(`the login check of the site's behaviors, by mode${NO_CLI}`, () => {
    const files = {
      "variables.tf": d.files["variables.tf"] ?? "",
      "locals.tf": localsFile(d, ["fast_path", "site_function_arns", "site_lambda_arns"]),
    };
    const lambdaArn = "arn:aws:lambda:us-east-1:123456789012:function:site-auth:1";
    const functionArn = "arn:aws:cloudfront::123456789012:function/site-auth-check";
    const base = { name: "my-site", edge_function_qualified_arn: lambdaArn };
    const lists = (vars: Record<string, string>) => {
      const r = tfConsole(
        files,
        { ...base, ...vars },
        "jsonencode([local.site_function_arns, local.site_lambda_arns])",
      );
      expect(r.output).not.toMatch(/Error:/);
      return JSON.parse(consoleString(r.value)) as [string[], string[]];
    };

    it("is the CloudFront Function, and only it, by default (mode cloudfront-function)", () => {
      expect(lists({ session_check_function_arn: functionArn })).toEqual([[functionArn], []]);
    });

    it("is Lambda@Edge, and only it, in mode lambda-edge", () => {
      expect(lists({ mode: "lambda-edge", session_check_function_arn: functionArn })).toEqual([
        [],
        [lambdaArn],
      ]);
      expect(lists({ mode: "lambda-edge" })).toEqual([[], [lambdaArn]]);
    });

    it("is refused without the function in the fast path, and for an unknown mode", () => {
      const precondition = listOf(nested(dist, "lifecycle").precondition).find((p) =>
        String(p.condition).includes("session_check_function_arn"),
      );
      expect(precondition?.condition).toBe("${!local.fast_path || var.session_check_function_arn != null}");
      expect(tfConsole(files, { ...base, mode: "cloudfront-functions" }, "var.mode").invalid).toBe(true);
      expect(tfConsole(files, { ...base, session_check_function_arn: lambdaArn }, "var.mode").invalid).toBe(
        true,
      );
    });
  });

  it("serves the edge's /_auth/* paths with every method (the logout form POSTs) and caches nothing there", () => {
    const auth = behaviors.find(([, b]) => b.path_pattern === "/_auth/*")?.[1] ?? {};
    expect(auth.allowed_methods).toEqual(["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]);
    expect(auth.cache_policy_id).toBe("${data.aws_cloudfront_cache_policy.caching_disabled.id}");
    expect(block(d.data, "aws_cloudfront_cache_policy.caching_disabled").name).toBe(
      "Managed-CachingDisabled",
    );
    // No origin request policy: the viewer-request function sees the viewer's whole request anyway, and
    // nothing of it (cookies included) is to reach S3.
    expect(auth).not.toHaveProperty("origin_request_policy_id");
    expect(auth.viewer_protocol_policy).toBe("redirect-to-https");
    expect(auth.response_headers_policy_id).toBe("${aws_cloudfront_response_headers_policy.this.id}");
  });

  it("neither forwards nor caches on cookies in any behavior, so sessions never enter the cache key", () => {
    const params = nested(defaultPolicy, "parameters_in_cache_key_and_forwarded_to_origin");
    expect(params).toMatchObject({
      enable_accept_encoding_brotli: true,
      enable_accept_encoding_gzip: true,
      cookies_config: [{ cookie_behavior: "none" }],
      headers_config: [{ header_behavior: "none" }],
      query_strings_config: [{ query_string_behavior: "none" }],
    });
    // The assets' policy has the very same cache key (and compression settings).
    expect(nested(assetsPolicy, "parameters_in_cache_key_and_forwarded_to_origin")).toEqual(params);
    expect(nested(dist, "default_cache_behavior").cache_policy_id).toBe(
      "${aws_cloudfront_cache_policy.this.id}",
    );
    expect(assetsBehavior.cache_policy_id).toBe("${aws_cloudfront_cache_policy.assets[0].id}");
    for (const [label, behavior] of behaviors) {
      // The /_auth/* behavior caches nothing (managed CachingDisabled: no cookies in any cache key either).
      const policy = /^\$\{(data\.)?aws_cloudfront_cache_policy\./;
      expect(String(behavior.cache_policy_id), label).toMatch(policy);
      expect(behavior, label).not.toHaveProperty("forwarded_values");
      expect(behavior.target_origin_id, label).toBe("${local.origin_id}");
      expect(behavior.viewer_protocol_policy, label).toBe("redirect-to-https");
    }
  });

  it("honours the objects' own Cache-Control outside the assets: min TTL 0", () => {
    // Above 0, CloudFront would keep the `private, no-cache` HTML anyway and a deploy would not show at once.
    expect(defaultPolicy.min_ttl).toBe(0);
    expect(defaultPolicy.max_ttl).toBe("${var.max_ttl}");
    expect(defaultPolicy.default_ttl).toBe("${var.default_ttl}");
  });

  it("caches the assets despite their `private` with a minimum TTL above 0 (documented for CachePolicyConfig)", () => {
    // "If your minimum TTL is greater than 0, CloudFront will cache content for at least the duration
    // specified in the cache policy's minimum TTL, even if the Cache-Control: no-cache, no-store, or
    // private directives are present in the origin headers." (CloudFront API reference)
    expect(assetsPolicy.min_ttl).toBe("${var.assets_min_ttl}");
    expect(assetsPolicy.max_ttl).toBe("${var.max_ttl}");
    expect(assetsPolicy.count).toBe("${local.assets_behavior ? 1 : 0}");
    const minTtl = Number(block(d.variables, "assets_min_ttl").default);
    expect(minTtl).toBeGreaterThan(0);
    expect(minTtl).toBeLessThanOrEqual(Number(block(d.variables, "max_ttl").default));
    expect(nested(nested(assetsPolicy, "lifecycle"), "precondition").condition).toBe(
      "${var.assets_min_ttl <= var.max_ttl}",
    );
  });

  it("keeps the bucket private and readable by the distribution only", () => {
    expect(block(d.resources, "aws_s3_bucket_public_access_block.this")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const read = (block(d.data, "aws_iam_policy_document.bucket").statement as Body[])[0] ?? {};
    expect(nested(read, "principals").identifiers).toEqual(["cloudfront.amazonaws.com"]);
    expect(nested(read, "condition")).toMatchObject({
      variable: "AWS:SourceArn",
      values: ["${aws_cloudfront_distribution.this.arn}"],
    });
    expect(nested(dist, "origin").origin_access_control_id).toBe(
      "${aws_cloudfront_origin_access_control.this.id}",
    );
  });

  it("lets previous versions expire when the bucket is versioned", () => {
    const lifecycle = block(d.resources, "aws_s3_bucket_lifecycle_configuration.this");
    expect(String(lifecycle.count)).toContain("var.versioning_enabled");
    const rule = nested(lifecycle, "rule");
    expect(rule.status).toBe("Enabled");
    expect(nested(rule, "noncurrent_version_expiration").noncurrent_days).toBe(
      "${var.noncurrent_version_expiration_days}",
    );
    expect(Number(block(d.variables, "noncurrent_version_expiration_days").default)).toBeGreaterThan(0);
    expect(lifecycle.depends_on).toEqual(["${aws_s3_bucket_versioning.this}"]);
  });

  it("adds HSTS, nosniff, frame options and a referrer policy to every response of every behavior", () => {
    const headers = nested(headersPolicy, "security_headers_config");
    for (const h of ["strict_transport_security", "content_type_options", "frame_options", "referrer_policy"])
      expect(headers, h).toHaveProperty(h);
    // One policy for every behavior: the security headers are the same everywhere.
    for (const [label, behavior] of behaviors)
      expect(behavior.response_headers_policy_id, label).toBe(
        "${aws_cloudfront_response_headers_policy.this.id}",
      );
  });

  it("never overrides a Cache-Control: the objects' own and the edge function's no-store reach the browser", () => {
    // Whether a response headers policy applies to the responses a viewer-request function generates is
    // not documented; with override = false it cannot turn their `no-store` into anything else.
    let policies = 0;
    for (const [name, dir] of Object.entries(tf)) {
      for (const [key, policy] of Object.entries(dir.resources)) {
        if (!key.startsWith("aws_cloudfront_response_headers_policy.")) continue;
        policies++;
        const where = `${name} ${key}`;
        expect(dynamicBlocks(policy, "custom_headers_config"), where).toEqual([]);
        for (const config of listOf(policy.custom_headers_config)) {
          expect(dynamicBlocks(config, "items"), where).toEqual([]);
          for (const item of listOf(config.items))
            if (String(item.header).toLowerCase() === "cache-control")
              expect(item.override, `${where} Cache-Control`).toBe(false);
        }
        expect(String(JSON.stringify(policy.remove_headers_config ?? "")).toLowerCase(), where).not.toContain(
          "cache-control",
        );
      }
    }
    expect(policies).toBeGreaterThan(0);
    expect(listOf(nested(headersPolicy, "custom_headers_config").items)).toEqual([
      { header: "Cache-Control", value: "${var.default_cache_control}", override: false },
    ]);
    expect(block(d.variables, "default_cache_control").default).toBe("private, no-cache");
    for (const gone of ["browser_cache_control", "assets_browser_cache_control"])
      expect(d.variables, gone).not.toHaveProperty(gone);
  });

  it("creates the assets' cache policy exactly when it creates the assets behavior", () => {
    const dyn = assetsBehaviors[0] ?? {};
    expect(dyn.for_each).toBe("${local.assets_behavior ? [local.assets_path_pattern] : []}");
    expect(assetsBehavior.path_pattern).toBe("${ordered_cache_behavior.value}");
    expect(assetsPolicy.count).toBe("${local.assets_behavior ? 1 : 0}");
    expect(block(d.variables, "assets_path_pattern").default).toBe("/assets/*");
  });

  describe.skipIf(!terraformBin)(`its caching inputs, evaluated by terraform console${NO_CLI}`, () => {
    const arn = "arn:aws:lambda:us-east-1:123456789012:function:site-auth:1";
    const valid = { name: "my-site", edge_function_qualified_arn: arn };
    const variables = { "variables.tf": d.files["variables.tf"] ?? "" };
    const withLocals = {
      ...variables,
      "locals.tf": localsFile(d, ["assets_path_pattern", "assets_behavior"]),
    };
    const forEach = hclOf(assetsBehaviors[0]?.for_each);

    it("accept the defaults", () => {
      const r = tfConsole(variables, valid, "var.default_cache_control");
      expect(r.invalid).toBe(false);
      expect(consoleString(r.value)).toBe("private, no-cache");
    });

    it.each([
      ["default_cache_control", "no-cache"],
      ["default_cache_control", "public, no-cache"],
      ["default_cache_control", "private, s-maxage=60"],
      ["default_cache_control", 'private="Set-Cookie", no-cache'],
      ["assets_min_ttl", "0"],
      ["assets_min_ttl", "-1"],
      ["assets_min_ttl", "1.5"],
      ["assets_path_pattern", "/*"],
      ["assets_path_pattern", "*"],
      ["assets_path_pattern", "/assets/<x>"],
      ["max_ttl", "-1"],
    ])("refuse %s = %s", (variable, value) => {
      expect(tfConsole(variables, { ...valid, [variable]: value }, "var.max_ttl").invalid).toBe(true);
    });

    it.each([
      ["default_cache_control", "no-store"],
      ["default_cache_control", "Private, Max-Age=0"],
      ["assets_min_ttl", "86400"],
      ["assets_path_pattern", "/static/*.js"],
    ])("accept %s = %s", (variable, value) => {
      expect(tfConsole(variables, { ...valid, [variable]: value }, "var.max_ttl").invalid).toBe(false);
    });

    it.each([
      [{}, "31536000", "true"],
      [{ assets_min_ttl: "86400" }, "86400", "true"],
      [{ assets_min_ttl: "86400", default_ttl: "604800" }, "604800", "true"],
      [{ default_ttl: "63072000" }, "31536000", "true"],
      [{ max_ttl: "86400" }, "31536000", "false"],
    ])("give the assets' cache policy %j a default TTL of %s (precondition holds: %s)", (vars, ttl, ok) => {
      const values = { ...valid, ...vars };
      expect(tfConsole(variables, values, hclOf(assetsPolicy.default_ttl)).value).toBe(ttl);
      const condition = nested(nested(assetsPolicy, "lifecycle"), "precondition").condition;
      expect(tfConsole(variables, values, hclOf(condition)).value).toBe(ok);
    });

    it("build one assets behavior for the default path pattern", () => {
      const r = tfConsole(withLocals, valid, `jsonencode(${forEach})`);
      expect(r.output).not.toMatch(/Error:/);
      expect(JSON.parse(consoleString(r.value))).toEqual(["/assets/*"]);
    });

    it.each([
      ["an empty", { assets_path_pattern: "" }, {}],
      ["a blank", { assets_path_pattern: "  " }, {}],
      ["a null", {}, { "null.auto.tfvars": "assets_path_pattern = null\n" }],
    ])("build no assets behavior (and no assets cache policy) for %s path pattern", (_, vars, extra) => {
      const files = { ...withLocals, ...extra };
      const r = tfConsole(files, { ...valid, ...vars }, `jsonencode(${forEach})`);
      expect(r.output).not.toMatch(/Error:/);
      expect(JSON.parse(consoleString(r.value))).toEqual([]);
      const count = tfConsole(files, { ...valid, ...vars }, hclOf(assetsPolicy.count));
      expect(count.value).toBe("0");
    });
  });
});

describe("Keycloak on ECS (modules/keycloak-ecs)", () => {
  const d = dirOf("modules/keycloak-ecs");
  const container = d.locals.keycloak_container as Body;
  // The environment is a concat() of lists (the admin hostname only with admin access): its source text.
  const envText = String(container.environment);
  const secrets = container.secrets as { name: string; valueFrom: string }[];

  it("hands generated passwords only to Secrets Manager, write-only", () => {
    const allowed = new Set(["aws_secretsmanager_secret_version:secret_string_wo"]);
    let used = 0;
    for (const [key, body] of Object.entries(d.resources)) {
      const type = key.split(".")[0];
      for (const [attr, value] of Object.entries(body))
        if (expressions(value).some((s) => s.includes("random_password."))) {
          expect(allowed, `${key}.${attr}`).toContain(`${type}:${attr}`);
          used++;
        }
    }
    expect(used).toBeGreaterThan(0);
    for (const part of [d.locals, d.outputs, d.modules])
      expect(expressions(part).filter((s) => s.includes("random_password."))).toEqual([]);
  });

  it("lets RDS generate and keep the database password, so it is never in the state", () => {
    const db = block(d.resources, "aws_db_instance.this");
    expect(db.manage_master_user_password).toBe(true);
    expect(db).not.toHaveProperty("password");
    expect(db.master_user_secret_kms_key_id).toBe("${var.secrets_kms_key_arn}");
    expect(String(d.locals.db_password_secret_arn)).toContain(
      "aws_db_instance.this[0].master_user_secret[0].secret_arn",
    );
    // RDS's secret is JSON (username, password): ECS must pick the password key.
    expect(String(d.locals.db_password_value_from)).toContain(':password::"');
  });

  it("gives the containers their passwords as ECS secrets, never as environment", () => {
    expect(envText).toContain("KC_DB_USERNAME");
    expect(envText).not.toMatch(/name\s*=\s*"[A-Z_]*(PASSWORD|SECRET)[A-Z_]*"/);
    expect(Object.fromEntries(secrets.map((s) => [s.name, s.valueFrom]))).toEqual({
      KC_DB_PASSWORD: "${local.db_password_value_from}",
      KC_BOOTSTRAP_ADMIN_PASSWORD: "${aws_secretsmanager_secret_version.admin_password.arn}",
    });
  });

  it("lets the task execution role read exactly the secrets the containers get, and their KMS key", () => {
    const statements = block(d.data, "aws_iam_policy_document.execution_secrets").statement as Body[];
    const read = statements.find((st) => stringsIn(st.actions).includes("secretsmanager:GetSecretValue"));
    expect(read?.resources).toEqual([
      "${aws_secretsmanager_secret.admin_password.arn}",
      "${local.db_password_secret_arn}",
    ]);
    const kms = nested(block(d.data, "aws_iam_policy_document.execution_secrets"), "dynamic");
    expect(JSON.stringify(kms)).toContain("kms:Decrypt");
    expect(JSON.stringify(kms)).toContain("var.secrets_kms_key_arn");
  });

  it("starts the service only once the secrets hold their values, and outputs the secrets through their versions", () => {
    const service = block(d.resources, "aws_ecs_service.this");
    expect(service.depends_on).toEqual(
      expect.arrayContaining([
        "${aws_secretsmanager_secret_version.admin_password}",
        "${aws_secretsmanager_secret_version.db_password}",
      ]),
    );
    expect(block(d.outputs, "admin_password_secret_arn").value).toBe(
      "${aws_secretsmanager_secret_version.admin_password.arn}",
    );
  });

  it("names a final snapshot that cannot collide with an earlier one", () => {
    const db = block(d.resources, "aws_db_instance.this");
    expect(db.skip_final_snapshot).toBe(false);
    // The subnet group's generated name: unique per deployment, stable afterwards.
    expect(String(db.final_snapshot_identifier)).toBe("${aws_db_subnet_group.this[0].name}-final");
    expect(block(d.resources, "aws_db_subnet_group.this").name_prefix).toBeDefined();
  });

  it("runs Keycloak behind the TLS-terminating load balancer", () => {
    // Without these Keycloak builds http:// URLs or trusts no forwarded header behind the ALB.
    for (const setting of [
      '"KC_PROXY_HEADERS", value = "xforwarded"',
      '"KC_HOSTNAME", value = "https://${var.domain}"',
    ])
      expect(envText).toContain(`name = ${setting}`);
  });

  it("redirects HTTP to HTTPS", () => {
    const action = nested(block(d.resources, "aws_lb_listener.http"), "default_action");
    expect(action.type).toBe("redirect");
    expect(nested(action, "redirect")).toMatchObject({ protocol: "HTTPS", status_code: "HTTP_301" });
  });

  it("lets only the load balancer reach Keycloak and only Keycloak reach the database", () => {
    const fromAlb = block(d.resources, "aws_vpc_security_group_ingress_rule.keycloak_from_alb");
    expect(fromAlb.referenced_security_group_id).toBe("${aws_security_group.alb.id}");
    const toDb = block(d.resources, "aws_vpc_security_group_ingress_rule.db_from_keycloak");
    expect(toDb.referenced_security_group_id).toBe("${aws_security_group.keycloak.id}");
    const ingress = Object.entries(d.resources).filter(([k]) =>
      k.startsWith("aws_vpc_security_group_ingress_rule."),
    );
    for (const [k, rule] of ingress)
      if ("cidr_ipv4" in rule) expect(rule.security_group_id, k).toBe("${aws_security_group.alb.id}");
  });

  it("keeps every listener rule within the ALB's limits: 3 values per condition, 5 per rule", () => {
    const rules = Object.entries(d.resources).filter(([k]) => k.startsWith("aws_lb_listener_rule."));
    expect(rules.length).toBeGreaterThan(0);
    for (const [key, rule] of rules) {
      const bounds = ((rule.condition ?? []) as Body[]).flatMap((condition) =>
        Object.entries(condition).map(([kind, blocks]) => ({
          kind,
          max: listenerConditionValues(d, kind, blocks),
        })),
      );
      expect(bounds.length, `${key} has conditions`).toBeGreaterThan(0);
      for (const { kind, max } of bounds) expect(max, `${key} ${kind}`).toBeLessThanOrEqual(3);
      expect(
        bounds.reduce((sum, b) => sum + b.max, 0),
        `${key}: values across its conditions`,
      ).toBeLessThanOrEqual(5);
    }
  });

  it("pins Keycloak to a 26.x image", () => {
    expect(String(block(d.variables, "keycloak_image").default)).toMatch(/:26\.\d+\.\d+$/);
  });
});

describe("the realm (modules/keycloak-realm)", () => {
  const d = dirOf("modules/keycloak-realm");
  const client = block(d.resources, "keycloak_openid_client.this");

  it("makes the site a confidential client with the code flow and PKCE S256 only", () => {
    expect(client).toMatchObject({
      access_type: "CONFIDENTIAL",
      standard_flow_enabled: true,
      implicit_flow_enabled: false,
      direct_access_grants_enabled: false,
      service_accounts_enabled: false,
      pkce_code_challenge_method: "${var.pkce_method}",
    });
    expect(block(d.variables, "pkce_method").default).toBe("S256");
  });

  it("redirects only to the callback, and after logout only to paths on the site's domain (its root by default)", () => {
    expect(client.valid_redirect_uris).toEqual(["${local.redirect_uri}"]);
    expect(d.locals.redirect_uri).toBe("${local.site_url}${var.callback_path}");
    expect(d.locals.site_url).toBe("https://${var.domain}");
    expect(client.valid_post_logout_redirect_uris).toBe("${local.post_logout_redirect_uris}");
    expect(d.locals.post_logout_redirect_uris).toBe(
      '${[for path in var.post_logout_redirect_paths : "${local.site_url}${path}"]}',
    );
    expect(block(d.variables, "post_logout_redirect_paths").default).toEqual(["/"]);
  });

  describe.skipIf(!terraformBin)(
    `post_logout_redirect_paths, evaluated by terraform console${NO_CLI}`,
    () => {
      const files = {
        "variables.tf": d.files["variables.tf"] ?? "",
        "locals.tf": localsFile(d, ["site_url", "post_logout_redirect_uris"]),
      };
      const valid = { keycloak_url: "https://sso.example.com", domain: "www.example.com" };

      it("builds https://<domain><path> for each path", () => {
        const r = tfConsole(
          files,
          { ...valid, post_logout_redirect_paths: '["/", "/goodbye.html"]' },
          "jsonencode(local.post_logout_redirect_uris)",
        );
        expect(r.invalid, r.output).toBe(false);
        expect(JSON.parse(consoleString(r.value))).toEqual([
          "https://www.example.com/",
          "https://www.example.com/goodbye.html",
        ]);
      });

      it.each([["[]"], ['["goodbye"]'], ['["//evil.example"]'], ['["/*"]']])("refuses %s", (value) => {
        expect(
          tfConsole(files, { ...valid, post_logout_redirect_paths: value }, "local.post_logout_redirect_uris")
            .invalid,
        ).toBe(true);
      });
    },
  );

  it("refuses, before planning, user roles that var.roles does not create", () => {
    const precondition = nested(
      nested(block(d.resources, "keycloak_user_roles.this"), "lifecycle"),
      "precondition",
    );
    expect(String(precondition.condition)).toMatch(/contains\(var\.roles, role\)/);
    expect(String(precondition.condition)).toContain("each.value");
  });

  it("puts the client id into the access token's audience", () => {
    expect(block(d.resources, "keycloak_openid_audience_protocol_mapper.this")).toMatchObject({
      client_id: "${keycloak_openid_client.this.id}",
      included_client_audience: "${keycloak_openid_client.this.client_id}",
      add_to_access_token: true,
    });
  });

  it("outputs the client secret only as a sensitive value", () => {
    expect(block(d.outputs, "client_secret").sensitive).toBe(true);
  });
});
