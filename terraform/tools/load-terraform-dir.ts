import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "@cdktf/hcl2json";

/** One block's body as @cdktf/hcl2json returns it: expressions are strings wrapped in `${…}`. */
export type Body = Record<string, unknown>;

/** The blocks of one Terraform directory (module or example), merged over its .tf files. */
export interface TerraformDir {
  dir: string;
  /** File name → raw text. */
  files: Record<string, string>;
  variables: Record<string, Body>;
  outputs: Record<string, Body>;
  modules: Record<string, Body>;
  /** `type.name` → body. */
  resources: Record<string, Body>;
  /** `type.name` → body. */
  data: Record<string, Body>;
  locals: Body;
  providers: Body[];
  terraform: Body[];
}

type Named = Record<string, Body[]>;

function first(list: Body[] | undefined): Body {
  return list?.[0] ?? {};
}

/** Parses every .tf file of `dir` with @cdktf/hcl2json (the HCL parser Terraform's own tooling uses). */
export async function loadTerraformDir(dir: string): Promise<TerraformDir> {
  const out: TerraformDir = {
    dir,
    files: {},
    variables: {},
    outputs: {},
    modules: {},
    resources: {},
    data: {},
    locals: {},
    providers: [],
    terraform: [],
  };
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".tf"))
    .sort();
  for (const name of names) {
    const text = readFileSync(join(dir, name), "utf8");
    out.files[name] = text;
    const doc = (await parse(name, text)) as Record<string, unknown>;
    for (const [k, v] of Object.entries((doc.variable ?? {}) as Named)) out.variables[k] = first(v);
    for (const [k, v] of Object.entries((doc.output ?? {}) as Named)) out.outputs[k] = first(v);
    for (const [k, v] of Object.entries((doc.module ?? {}) as Named)) out.modules[k] = first(v);
    for (const [type, byName] of Object.entries((doc.resource ?? {}) as Record<string, Named>))
      for (const [k, v] of Object.entries(byName)) out.resources[`${type}.${k}`] = first(v);
    for (const [type, byName] of Object.entries((doc.data ?? {}) as Record<string, Named>))
      for (const [k, v] of Object.entries(byName)) out.data[`${type}.${k}`] = first(v);
    for (const block of (doc.locals ?? []) as Body[]) Object.assign(out.locals, block);
    for (const byName of Object.values((doc.provider ?? {}) as Named)) out.providers.push(...byName);
    out.terraform.push(...((doc.terraform ?? []) as Body[]));
  }
  return out;
}

/** Every string anywhere in a parsed value (the expressions among them start with or contain `${`). */
export function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)]);
  return [];
}

/** The expression text of an attribute: `${var.x}` → `var.x`; literals are returned as they are. */
export function expressionOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^\$\{([\s\S]*)\}$/.exec(value);
  return m ? m[1] : value;
}
