// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform expressions are "${…}" strings here.
// Helpers over the blocks @cdktf/hcl2json parses (terraform/tools/load-terraform-dir.ts) and over
// `terraform console`, which evaluates variables and locals without any provider.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Body, stringsIn, type TerraformDir } from "../terraform/tools/load-terraform-dir.js";

export function block(map: Record<string, Body>, key: string): Body {
  const b = map[key];
  if (!b) throw new Error(`missing block ${key}`);
  return b;
}

/** A nested block as hcl2json gives it (a list of bodies, or one body) as a list. */
export function listOf(value: unknown): Body[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Body[];
}

/** The literal `type` blocks of a body and the content of its `dynamic "type"` blocks. */
export function blocksOf(body: Body, type: string): Body[] {
  const dynamic = listOf(body.dynamic).flatMap((d) => listOf(d[type]));
  return [...listOf(body[type]), ...dynamic.flatMap((d) => listOf(d.content))];
}

/** Expression strings of a parsed value (strings that contain an interpolation). */
export function expressions(value: unknown): string[] {
  return stringsIn(value).filter((s) => s.includes("${"));
}

/** Every `var.x`, `local.x`, `module.m.o` and `<type>.<name>` a value refers to, as written. */
export function refsIn(value: unknown): string[] {
  const re = /\b(var\.\w+|local\.\w+|module\.\w+\.\w+|[a-z0-9]+_[a-z0-9_]+\.\w+)/g;
  return expressions(value).flatMap((s) => [...s.matchAll(re)].map((m) => m[1] ?? ""));
}

/** Every statement of an aws_iam_policy_document, literal or dynamic. */
export function statementsOf(doc: Body): Body[] {
  return blocksOf(doc, "statement");
}

/**
 * A parsed attribute as HCL source: hcl2json gives a pure expression as "${expr}" and a template (text
 * with interpolations) as the template's text, which goes back in quotes.
 */
export function hclOf(value: unknown): string {
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
export function consoleString(printed: string): string {
  return JSON.parse(printed.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{")) as string;
}

/** A locals block re-serialised from parsed expressions, for `terraform console`. */
export function localsFile(d: TerraformDir, names: string[]): string {
  const lines = names.map((n) => {
    const v = d.locals[n];
    if (Array.isArray(v)) return `  ${n} = [\n${v.map((e) => `    ${hclOf(e)},`).join("\n")}\n  ]`;
    return `  ${n} = ${hclOf(v)}`;
  });
  return `locals {\n${lines.join("\n")}\n}\n`;
}

/**
 * Evaluates `expr` with `terraform console` in a scratch folder holding `files` (no provider, no init).
 * Returns the printed value and whether a variable's validation failed.
 */
export function tfConsole(
  files: Record<string, string>,
  vars: Record<string, string>,
  expr: string,
): { value: string; invalid: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "tf-console-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const args = ["console", "-no-color", ...Object.entries(vars).flatMap(([k, v]) => ["-var", `${k}=${v}`])];
    const env = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
    const r = spawnSync("terraform", args, { cwd: dir, input: `${expr}\n`, encoding: "utf8", env });
    const output = `${r.stdout}\n${r.stderr}`;
    return { value: r.stdout.trim(), invalid: /Invalid value for variable/.test(output), output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The most values one listener rule condition (`path_pattern { values = … }` and the like) can hold: a
 * literal list counts its items, `local.x` a literal list local (or a concat() of literal lists), and
 * `local.x[count.index]` over a local built with chunklist(…, n) at most n. Anything else cannot be
 * bounded statically and throws.
 */
export function listenerConditionValues(d: TerraformDir, kind: string, blocks: unknown): number {
  if (kind === "query_string") return listOf(blocks).length;
  const values = listOf(blocks)[0]?.values;
  if (Array.isArray(values)) return values.length;
  const expr = hclOf(values);
  const whole = /^local\.(\w+)$/.exec(expr);
  const local = whole ? d.locals[whole[1] as string] : undefined;
  if (Array.isArray(local)) return local.length;
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
