// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform expressions are "${…}" strings here.
// Every folder under terraform/, parsed once (@cdktf/hcl2json), and the analyses the Terraform tests share:
// which module a call points to, where secrets flow, which function is Lambda@Edge, and the name limits.
import { join, resolve } from "node:path";
import { type Body, loadTerraformDir, type TerraformDir } from "../terraform/tools/load-terraform-dir.js";
import { expressions, listOf, refsIn } from "./terraform-hcl.js";
import { terraformOnPath } from "./terraform-scratch.js";

export const root = join(import.meta.dirname, "..");
export const tfRoot = join(root, "terraform");
export const MODULES = ["static-site", "edge-auth", "validate-api", "keycloak-ecs", "keycloak-realm"];
export const EXAMPLES = ["complete", "existing-idp"];
export const DIRS = [...MODULES.map((m) => `modules/${m}`), ...EXAMPLES.map((e) => `examples/${e}`)];
export const NO_CLI = terraformOnPath ? "" : " (skipped: no terraform CLI on PATH)";

export const tf: Record<string, TerraformDir> = {};
for (const d of DIRS) tf[d] = await loadTerraformDir(join(tfRoot, d));
export const all = Object.entries(tf);
export const dirOf = (name: string) => tf[name] as TerraformDir;

/** Resources and data sources of every folder as [where, type, body]. */
export const everyBlock = all.flatMap(([name, d]) =>
  [...Object.entries(d.resources), ...Object.entries(d.data)].map(
    ([key, body]) => [`${name} ${key}`, key.split(".")[0] ?? "", body] as const,
  ),
);

export function calledModule(caller: TerraformDir, call: Body): TerraformDir {
  const name = Object.keys(tf).find((k) => resolve(tfRoot, k) === resolve(caller.dir, String(call.source)));
  if (!name) throw new Error(`module source ${String(call.source)} is not one of terraform/modules`);
  return dirOf(name);
}

export function requiredProviders(d: TerraformDir): Record<string, Body> {
  return Object.assign({}, ...d.terraform.flatMap((t) => listOf(t.required_providers)));
}

/** Names that look like secrets, and suffixes that make a name about a secret rather than one. */
export const SECRET_NAME = /(^|_)(password|passwords|secret|secrets|token|tokens|keys?)(_|$)/;
export const NOT_A_SECRET =
  /_(arn|arns|id|ids|name|lifespan|ttl|seconds|ms|path|length|days|version|fingerprints)$/;
export const secretLooking = (name: string) => SECRET_NAME.test(name) && !NOT_A_SECRET.test(name);

/**
 * What a folder must never put in clear text: sensitive variables, generated passwords and keys,
 * sensitive outputs of the modules it calls, and every local computed from one of them.
 */
export function secretRefs(d: TerraformDir): (ref: string) => boolean {
  const tainted = new Set(
    Object.entries(d.variables)
      .filter(([, v]) => v.sensitive === true)
      .map(([k]) => `var.${k}`),
  );
  for (const [call, body] of Object.entries(d.modules))
    for (const [o, out] of Object.entries(calledModule(d, body).outputs))
      if (out.sensitive === true) tainted.add(`module.${call}.${o}`);
  const isSecret = (r: string) => tainted.has(r) || /^random_(password|bytes)\./.test(r);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [k, v] of Object.entries(d.locals))
      if (!tainted.has(`local.${k}`) && secretRefsIn(v).some(isSecret)) {
        tainted.add(`local.${k}`);
        grew = true;
      }
  }
  return isSecret;
}

/**
 * References outside hash and length calls, null checks and the id of a `<kid>:<secret>` key: none of
 * these reveals the secret.
 */
export function secretRefsIn(value: unknown): string[] {
  const strip = (t: string) =>
    t
      .replace(/\b(sha256|sha512|sha1|md5|length)\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)/g, "")
      .replace(/\b(var|local)\.\w+\s*[!=]=\s*null\b/g, "")
      .replace(/\bsplit\(":", [\w.]+\)\[0\]/g, "");
  return refsIn(expressions(value).map(strip));
}

/** [attribute path, value] of every attribute in a block, nested blocks included. */
export function attributes(body: unknown, path: string[] = []): [string[], unknown][] {
  if (Array.isArray(body)) return body.flatMap((b) => attributes(b, path));
  if (body === null || typeof body !== "object") return [[path, body]];
  return Object.entries(body).flatMap(([k, v]) => attributes(v, [...path, k]));
}

/** Lambda functions whose role Lambda@Edge (edgelambda.amazonaws.com) may assume. */
export const edgeFunctions = all.flatMap(([name, d]) =>
  Object.entries(d.resources)
    .filter(([key, fn]) => {
      if (!key.startsWith("aws_lambda_function.")) return false;
      const role = d.resources[/aws_iam_role\.\w+/.exec(String(fn.role))?.[0] ?? ""];
      const doc =
        d.data[/data\.(aws_iam_policy_document\.\w+)/.exec(String(role?.assume_role_policy))?.[1] ?? ""];
      return JSON.stringify(doc ?? {}).includes("edgelambda.amazonaws.com");
    })
    .map(([key, fn]) => [name, key, fn, d] as const),
);

/**
 * Names AWS derives from a module's name input, and AWS's limits on them: the validation must refuse every
 * name that would break one at apply time. [module, variable, longest accepted, other inputs, attribute → limit].
 */
export const NAME_LIMITS: [string, string, number, Record<string, string>, Record<string, number>][] = [
  [
    "modules/static-site",
    "name",
    36,
    { edge_function_qualified_arn: "arn:aws:lambda:us-east-1:123456789012:function:site-auth:1" },
    // 63 less the 26 characters of the unique suffix.
    {
      "aws_s3_bucket.this.bucket_prefix": 37,
      "aws_cloudfront_origin_access_control.this.name": 64,
      "aws_cloudfront_cache_policy.this.name": 128,
      "aws_cloudfront_cache_policy.assets.name": 128,
      "aws_cloudfront_response_headers_policy.this.name": 128,
    },
  ],
  [
    "modules/validate-api",
    "name",
    57,
    { zip_path: "a.zip", issuer: "https://i.example", audience: '["a"]' },
    {
      "aws_iam_role.this.name": 64,
      "aws_lambda_function.this.function_name": 64,
      "aws_apigatewayv2_api.this.name": 128,
    },
  ],
  // Replicas run as us-east-1.<function_name>, which must fit Lambda's 64 too (hence 54).
  [
    "modules/edge-auth",
    "function_name",
    54,
    {
      zip_path: "a.zip",
      session_check_code_path: "a.js",
      issuer: "https://i.example",
      client_id: "c",
      validate_url: "https://v.example/validate",
    },
    {
      "aws_iam_role.this.name": 64,
      "aws_lambda_function.this.function_name": 64,
      "aws_cloudfront_function.session_check.name": 64,
      "aws_cloudfront_key_value_store.this.name": 64,
    },
  ],
  // IAM role name prefixes have 64 less the 26 characters of the unique suffix; RDS identifiers 63 less 26.
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
      "aws_iam_role.execution.name_prefix": 38,
      "aws_iam_role.task.name_prefix": 38,
      "aws_db_instance.this.identifier_prefix": 37,
      "aws_ecs_cluster.this.name": 255,
      "aws_ecs_service.this.name": 255,
    },
  ],
];
