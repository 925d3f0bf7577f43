// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform expressions are "${…}" strings here.
// Checks of terraform/ that hold for every module and example, and what ties them to the code:
// - each folder's own `terraform test` files (plans against mocked providers), run here on a scratch copy
//   wherever the local provider mirror has its providers (test/terraform-scratch.ts);
// - invariants over every parsed .tf file (@cdktf/hcl2json): Lambda@Edge's constraints, sensitive values,
//   least privilege, what `terraform validate` would catch where the providers are missing;
// - with `terraform console` (no provider needed): the limits AWS puts on derived names.
// What the modules hand the TypeScript code: terraform-contracts.test.ts.
// What a plan shows about one module (behaviors, routes, listeners, TTLs) lives in its tests/*.tftest.hcl.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type Body, stringsIn } from "../terraform/tools/load-terraform-dir.js";
import { docsSection, normalizeDocs, renderDocs } from "../terraform/tools/render-docs.js";
import {
  all,
  attributes,
  calledModule,
  DIRS,
  dirOf,
  EXAMPLES,
  edgeFunctions,
  everyBlock,
  NAME_LIMITS,
  NO_CLI,
  requiredProviders,
  root,
  secretLooking,
  secretRefs,
  secretRefsIn,
  tfRoot,
} from "./terraform-dirs.js";
import {
  block,
  blocksOf,
  hclOf,
  listenerConditionValues,
  listOf,
  localsFile,
  refsIn,
  statementsOf,
  tfConsole,
} from "./terraform-hcl.js";
import { scratchCopy, terraformOnPath, whyNotRunnable } from "./terraform-scratch.js";

describe.skipIf(!terraformOnPath)(`terraform fmt${NO_CLI}`, () => {
  it("finds every .tf and .tftest.hcl file formatted (terraform fmt -check -recursive)", () => {
    const r = spawnSync("terraform", ["fmt", "-check", "-recursive", "-diff", tfRoot], { encoding: "utf8" });
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("each folder's terraform validate and terraform test (tests/*.tftest.hcl), on a scratch copy", () => {
  for (const dir of DIRS) {
    const why = whyNotRunnable(join(tfRoot, dir));
    it.skipIf(why)(
      `${dir} passes${why ? ` (skipped: ${why}; CI runs it)` : ""}`,
      { timeout: 240_000 },
      async () => {
        const scratch = await scratchCopy(join(tfRoot, dir));
        try {
          const validate = await scratch.run(["validate"]);
          expect(validate.status, validate.output).toBe(0);
          const test = await scratch.run(["test"]);
          expect(test.output).toMatch(/Success! [1-9]\d* passed, 0 failed/);
          expect(test.status, test.output).toBe(0);
        } finally {
          scratch.remove();
        }
      },
    );
  }
});

describe.each(DIRS)("terraform/%s", (name) => {
  const d = dirOf(name);

  it("declares, types and describes every variable it uses, and describes every output", () => {
    const used = new Set(refsIn(Object.values(d)).filter((r) => r.startsWith("var.")));
    expect([...used].filter((v) => !(v.slice(4) in d.variables))).toEqual([]);
    for (const [v, body] of Object.entries(d.variables)) {
      expect(body.type, `variable ${v} type`).toBeTypeOf("string");
      expect(String(body.description ?? "").length, `variable ${v} description`).toBeGreaterThan(10);
    }
    for (const [o, body] of Object.entries(d.outputs))
      expect(String(body.description ?? "").length, `output ${o} description`).toBeGreaterThan(10);
  });

  it("has README inputs and outputs tables that match its variables and outputs", () => {
    // Regenerate with: pnpm tsx terraform/tools/update-readmes.ts
    const readme = readFileSync(join(d.dir, "README.md"), "utf8");
    expect(normalizeDocs(docsSection(readme) ?? "(no tables)")).toBe(normalizeDocs(renderDocs(d)));
  });
});

it("pins every provider a folder uses, to one version everywhere", () => {
  const seen = new Map<string, Set<string>>();
  for (const [name, d] of all) {
    const pinned = requiredProviders(d);
    for (const [, type] of everyBlock.filter(([where]) => where.startsWith(`${name} `))) {
      const p = type.split("_")[0] ?? "";
      if (p !== "terraform")
        expect(String(pinned[p]?.version), `${name}: provider ${p}`).toMatch(/^~> \d+\.\d+$/);
    }
    for (const [p, spec] of Object.entries(pinned))
      seen.set(p, (seen.get(p) ?? new Set()).add(`${String(spec.source)} ${String(spec.version)}`));
  }
  for (const [p, specs] of seen) expect([...specs], p).toHaveLength(1);
});

describe.each(EXAMPLES)("the %s example's module calls", (example) => {
  const d = dirOf(`examples/${example}`);

  it("set every required input and no unknown one, and use only outputs the modules declare", () => {
    const meta = new Set(["source", "version", "providers", "count", "for_each", "depends_on"]);
    for (const [call, body] of Object.entries(d.modules)) {
      const m = calledModule(d, body);
      const given = Object.keys(body).filter((k) => !meta.has(k));
      const required = Object.keys(m.variables).filter((k) => !("default" in (m.variables[k] ?? {})));
      expect(
        required.filter((r) => !given.includes(r)),
        `module.${call}: missing`,
      ).toEqual([]);
      expect(
        given.filter((g) => !(g in m.variables)),
        `module.${call}: unknown`,
      ).toEqual([]);
    }
    const refs = refsIn(Object.values(d)).filter((r) => r.startsWith("module."));
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const [, call = "", output = ""] = ref.split(".");
      expect(calledModule(d, block(d.modules, call)).outputs, ref).toHaveProperty(output);
    }
  });

  it("read the Lambda zips and the CloudFront Function where pnpm build writes them", () => {
    const built = (pkg: string) => {
      const script = JSON.parse(readFileSync(join(root, "packages", pkg, "package.json"), "utf8")).scripts
        .build;
      return join(root, "packages", pkg, "dist", `${/--name\s+(\S+)/.exec(script)?.[1]}.zip`);
    };
    const at = (expr: unknown) => resolve(String(expr).replace(/\$\{path\.(root|module)\}/, d.dir));
    const call = (m: string) =>
      Object.values(d.modules).find((b) => String(b.source).endsWith(`modules/${m}`));
    expect(at(call("edge-auth")?.zip_path)).toBe(built("edge-auth"));
    expect(at(call("validate-api")?.zip_path)).toBe(built("validate-api"));
    // packages/session-check/scripts/build.ts writes dist/session-check.js by default.
    const fn = /"(\$\{path\.root\}[^"]+)"/.exec(String(call("edge-auth")?.session_check_code_path))?.[1];
    expect(at(fn)).toBe(join(root, "packages", "session-check", "dist", "session-check.js"));
    expect(readFileSync(join(root, "packages/session-check/scripts/build.ts"), "utf8")).toContain(
      'join(pkgDir, "dist", "session-check.js")',
    );
  });
});

describe("sensitive values, in every module and example", () => {
  it("marks every secret-looking variable and output sensitive", () => {
    for (const [name, d] of all)
      for (const [kind, map] of [
        ["variable", d.variables],
        ["output", d.outputs],
      ] as const)
        for (const [k, body] of Object.entries(map))
          if (secretLooking(k)) expect(body.sensitive, `${name} ${kind} ${k}`).toBe(true);
  });

  it("never outputs a secret: no sensitive variable, generated secret or sensitive module output", () => {
    let checked = 0;
    for (const [name, d] of all) {
      const isSecret = secretRefs(d);
      for (const [o, body] of Object.entries(d.outputs)) {
        checked++;
        expect(secretRefsIn(body.value).filter(isSecret), `${name} output ${o}`).toEqual([]);
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  /** Where a secret must be kept in the state because the provider has no write-only argument for it. */
  const KEPT_IN_STATE: Record<string, string> = {
    // The session-check function reads its keys from the KeyValueStore: they are its content.
    "aws_cloudfrontkeyvaluestore_key.value": "the CloudFront Function's keys",
    // A hash that changes with the config (so the parameter is rewritten), not the config.
    "aws_ssm_parameter.value_wo_version": "sha256 of the config",
    // The keycloak provider has no write-only password; the user must change it at first login.
    "keycloak_user.initial_password.value": "temporary password",
  };

  it("hands secrets only to write-only arguments and to module inputs marked sensitive", () => {
    let sinks = 0;
    for (const [name, d] of all) {
      const isSecret = secretRefs(d);
      for (const [key, body] of Object.entries(d.resources))
        for (const [path, value] of attributes(body)) {
          const attr = path.filter((p) => !/^(\d+|dynamic|content)$/.test(p)).join(".");
          if (
            !secretRefsIn(value).some(isSecret) ||
            ["count", "for_each", "condition"].includes(path.at(-1) ?? "")
          )
            continue;
          sinks++;
          const allowed = attr.endsWith("_wo") || `${key.split(".")[0]}.${attr}` in KEPT_IN_STATE;
          expect(allowed, `${name} ${key}.${attr} gets a secret`).toBe(true);
        }
      for (const [call, body] of Object.entries(d.modules))
        for (const [input, value] of Object.entries(body))
          if (secretRefsIn(value).some(isSecret))
            expect(calledModule(d, body).variables[input]?.sensitive, `${name} module.${call}.${input}`).toBe(
              true,
            );
    }
    expect(sinks).toBeGreaterThan(2);
  });
});

describe("Lambda@Edge and CloudFront Functions", () => {
  it("finds the edge function", () => {
    expect(edgeFunctions.map(([name, key]) => `${name} ${key}`)).toEqual([
      "modules/edge-auth aws_lambda_function.this",
    ]);
  });

  it.each(edgeFunctions)(
    "%s %s: no environment, VPC, layers or DLQ; a published x86_64 version in us-east-1",
    (_, __, fn, d) => {
      for (const refused of [
        "environment",
        "vpc_config",
        "layers",
        "dead_letter_config",
        "file_system_config",
        "image_uri",
        "snap_start",
      ])
        expect(fn, refused).not.toHaveProperty(refused);
      expect(fn.publish).toBe(true);
      expect(fn.architectures ?? ["x86_64"]).toEqual(["x86_64"]);
      // Everything through the alias the caller passes in, and every caller configures it for us-east-1.
      expect(listOf(requiredProviders(d).aws?.configuration_aliases)).toContain("${aws.us_east_1}");
      for (const [key, body] of [...Object.entries(d.resources), ...Object.entries(d.data)])
        if (!key.startsWith("random_")) expect(body.provider, key).toBe("${aws.us_east_1}");
      for (const e of EXAMPLES) {
        const ex = dirOf(`examples/${e}`);
        const call = Object.values(ex.modules).find((b) => calledModule(ex, b) === d);
        const alias = /^\$\{aws\.(\w+)\}$/.exec(String((call?.providers as Body)?.["aws.us_east_1"]))?.[1];
        expect(ex.providers.find((p) => p.alias === alias)?.region, `${e}: aws.${alias}`).toBe("us-east-1");
      }
    },
  );

  it.skipIf(!terraformOnPath)(
    `keeps memory, timeout and runtime within viewer-request limits${NO_CLI}`,
    () => {
      for (const [, , fn, d] of edgeFunctions) {
        const files = { "variables.tf": d.files["variables.tf"] ?? "" };
        const base = {
          function_name: "a",
          zip_path: "a.zip",
          session_check_code_path: "a.js",
          issuer: "https://i.example",
          client_id: "c",
          validate_url: "https://v.example/validate",
        };
        const invalid = (attr: string, value: string) =>
          tfConsole(files, { ...base, [hclOf(fn[attr]).slice(4)]: value }, "1").invalid;
        expect([invalid("memory_size", "128"), invalid("memory_size", "129")]).toEqual([false, true]);
        expect([invalid("timeout", "5"), invalid("timeout", "6")]).toEqual([false, true]);
        expect([invalid("runtime", "nodejs22.x"), invalid("runtime", "nodejs20.x")]).toEqual([false, true]);
      }
    },
  );

  it("runs every Lambda function on the runtime docs/development.md states, by default", () => {
    const docs = readFileSync(join(root, "docs", "development.md"), "utf8");
    const runtime = /Terraform modules default to \*\*`(nodejs\d+\.x)`\*\*/.exec(docs)?.[1];
    expect(runtime).toBeDefined();
    const fns = all.flatMap(([, d]) =>
      Object.entries(d.resources)
        .filter(([k]) => k.startsWith("aws_lambda_function."))
        .map(([, fn]) => [d, fn] as const),
    );
    expect(fns).toHaveLength(2);
    for (const [d, fn] of fns) expect(block(d.variables, hclOf(fn.runtime).slice(4)).default).toBe(runtime);
  });

  it("runs every CloudFront association on viewer-request, never with the body", () => {
    let associations = 0;
    for (const [where, type, body] of everyBlock) {
      if (type !== "aws_cloudfront_distribution") continue;
      const behaviors = [
        ...blocksOf(body, "default_cache_behavior"),
        ...blocksOf(body, "ordered_cache_behavior"),
      ];
      for (const b of behaviors)
        for (const a of [
          ...blocksOf(b, "function_association"),
          ...blocksOf(b, "lambda_function_association"),
        ]) {
          associations++;
          expect(a.event_type, where).toBe("viewer-request");
          expect(a.include_body ?? false, where).toBe(false);
        }
    }
    expect(associations).toBeGreaterThanOrEqual(5);
  });

  it("publishes every CloudFront Function on cloudfront-js-2.0", () => {
    const fns = everyBlock.filter(([, type]) => type === "aws_cloudfront_function");
    expect(fns.length).toBeGreaterThan(0);
    for (const [where, , fn] of fns)
      expect([fn.runtime, fn.publish], where).toEqual(["cloudfront-js-2.0", true]);
  });

  it.skipIf(!terraformOnPath)(
    `refuses session-check code over CloudFront's 10 KB, counted in bytes${NO_CLI}`,
    () => {
      const d = dirOf("modules/edge-auth");
      const precondition = listOf(
        listOf(block(d.resources, "aws_cloudfront_function.session_check").lifecycle)[0]?.precondition,
      )[0];
      expect(precondition?.condition).toBe("${local.session_check_code_bytes <= 10240}");
      const bytesOf = (code: string) => {
        const files = {
          "variables.tf": d.files["variables.tf"] ?? "",
          "locals.tf": localsFile(d, ["fast_path", "session_check_code_b64", "session_check_code_bytes"]),
          "session-check.js": code,
        };
        const vars = {
          function_name: "a",
          zip_path: "a.zip",
          session_check_code_path: "session-check.js",
          issuer: "https://i.example",
          client_id: "c",
          validate_url: "https://v.example/validate",
        };
        return Number(tfConsole(files, vars, "local.session_check_code_bytes").value);
      };
      for (const code of ["a", "é€a", `${"x".repeat(10237)}€`, `${"x".repeat(10238)}€`])
        expect(bytesOf(code), JSON.stringify(code.slice(-4))).toBe(Buffer.byteLength(code));
    },
  );
});

describe("least privilege, in every module", () => {
  const documents = everyBlock.filter(([, type]) => type === "aws_iam_policy_document");
  const allows = documents.flatMap(([where, , doc]) =>
    statementsOf(doc)
      .filter((s) => s.effect !== "Deny")
      .map((s) => [where, s] as const),
  );

  it("grants no wildcard action, and a wildcard resource only where no name can be narrower", () => {
    expect(allows.length).toBeGreaterThan(10);
    for (const [where, s] of allows) {
      for (const action of listOf(s.actions)) expect(String(action), where).not.toContain("*");
      for (const p of blocksOf(s, "principals")) expect(listOf(p.identifiers), where).not.toContain("*");
      // Wildcards with a reason: a named bucket's objects, a named log group's streams, the region of a
      // Lambda@Edge replica's logs (it logs where it ran); any KMS key only for one parameter's context.
      for (const arn of hclOf(s.resources ?? []).match(/"[^"]*\*[^"]*"/g) ?? []) {
        const rest = arn
          .replace(/\.arn\}[:/]\*"$/, '.arn}/CHILDREN"')
          .replace(/(log-group:[^*"]+):\*"$/, '$1:STREAMS"')
          .replace(/:logs:\*:/, ":logs:REGION:");
        const scoped = listOf(s.condition).some((c) =>
          String(c.variable).startsWith("kms:EncryptionContext"),
        );
        expect(!rest.includes("*") || scoped, `${where}: ${arn}`).toBe(true);
      }
    }
  });

  it("grants execute-api:Invoke on one route and nothing else", () => {
    const invoke = allows.filter(([, s]) => stringsIn(s.actions).includes("execute-api:Invoke"));
    expect(invoke).toHaveLength(1);
    for (const [where, s] of invoke) {
      expect(stringsIn(s.actions), where).toEqual(["execute-api:Invoke"]);
      expect(listOf(s.resources), where).toHaveLength(1);
    }
  });

  it("writes every IAM policy from an aws_iam_policy_document", () => {
    for (const [where, , body] of everyBlock)
      for (const attr of ["policy", "assume_role_policy"])
        if (attr in body)
          expect(String(body[attr]), where).toMatch(
            /^\$\{data\.aws_iam_policy_document\.\w+(\[0\])?\.json\}$/,
          );
  });

  it("lets only load balancers take traffic from address ranges; everything else only from a security group", () => {
    const ingress = everyBlock.filter(([, type]) => type === "aws_vpc_security_group_ingress_rule");
    expect(ingress.length).toBeGreaterThan(0);
    for (const [where, , rule] of ingress)
      if ("cidr_ipv4" in rule || "cidr_ipv6" in rule)
        expect(rule.security_group_id, where).toMatch(/aws_security_group\.alb\./);
      else expect(rule.referenced_security_group_id, where).toMatch(/aws_security_group\./);
  });

  it("blocks public access to every bucket", () => {
    const buckets = everyBlock.filter(([, type]) => type === "aws_s3_bucket");
    expect(buckets.length).toBeGreaterThan(0);
    for (const [where] of buckets) {
      const [name = "", key = ""] = where.split(" ");
      const guard = Object.values(dirOf(name).resources).find(
        (r) => r.bucket === `\${${key}.id}` && "block_public_acls" in r,
      );
      expect(guard, where).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    }
  });

  it("keeps every ALB listener rule within AWS's limits: 3 values per condition, 5 per rule", () => {
    const rules = everyBlock.filter(([, type]) => type === "aws_lb_listener_rule");
    expect(rules.length).toBeGreaterThan(0);
    for (const [where, , rule] of rules) {
      const d = dirOf(where.split(" ")[0] ?? "");
      const bounds = listOf(rule.condition).flatMap((c) =>
        Object.entries(c).map(([kind, b]) => listenerConditionValues(d, kind, b)),
      );
      expect(bounds.length, where).toBeGreaterThan(0);
      for (const max of bounds) expect(max, where).toBeLessThanOrEqual(3);
      expect(
        bounds.reduce((a, b) => a + b, 0),
        where,
      ).toBeLessThanOrEqual(5);
    }
  });
});

describe.skipIf(!terraformOnPath)(`name inputs, evaluated by terraform console${NO_CLI}`, () => {
  it.each(NAME_LIMITS)(
    "%s var.%s: accepts %i characters and no more, and every derived name fits",
    (dir, variable, longest, others, limits) => {
      const d = dirOf(dir);
      const files = { "variables.tf": d.files["variables.tf"] ?? "" };
      const name = (n: number) => ({ ...others, [variable]: `a${"b".repeat(n - 1)}` });
      expect(tfConsole(files, name(longest), "1").invalid).toBe(false);
      expect(tfConsole(files, name(longest + 1), "1").invalid).toBe(true);
      for (const [attr, limit] of Object.entries(limits)) {
        const [type, resource, key] = attr.split(".") as [string, string, string];
        const value = block(d.resources, `${type}.${resource}`)[key];
        const r = tfConsole(files, name(longest), `length(${hclOf(value)})`);
        expect(Number(r.value), `${attr}: ${r.output}`).toBeLessThanOrEqual(limit);
      }
    },
  );
});
