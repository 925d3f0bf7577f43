import { readFile } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { compileRules, type RequiredRoles, RuleError, sessionCookieName } from "@static-sso/authz-core";
import { build, type Plugin } from "esbuild";
import ts from "typescript";
import type { SessionCheckConfig } from "./decide.js";

/** CloudFront's limit for a function's code. */
export const FUNCTION_CODE_LIMIT_BYTES = 10 * 1024;
/** Ours: room left under the limit for another site's longer rules. */
export const FUNCTION_CODE_TARGET_BYTES = 8 * 1024;

/** The site's rules, in the edge config's shape (docs/contracts.md, `packages/edge-auth`). */
export interface SiteRules {
  publicPaths?: string[];
  requiredRoles?: RequiredRoles;
  /** Default `index.html`; empty: folder URLs go to the origin as they are. */
  directoryIndex?: string;
  /** Default `sso`. */
  cookiePrefix?: string;
  /** Default `/_auth/logout`. */
  logoutPath?: string;
}

export class SiteRulesError extends Error {
  readonly code = "site_rules_invalid";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = "SiteRulesError";
  }
}

const KNOWN = ["publicPaths", "requiredRoles", "directoryIndex", "cookiePrefix", "logoutPath"];

function stringField(raw: Record<string, unknown>, field: string, fallback: string): string {
  const v = raw[field];
  if (v === undefined) return fallback;
  if (typeof v !== "string") throw new SiteRulesError(field, "must be a string");
  return v;
}

/** The config baked into the function: rules compiled once here, so the function never compiles them. */
export function functionConfig(raw: unknown): SessionCheckConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new SiteRulesError("(root)", "must be an object");
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (!KNOWN.includes(key))
      throw new SiteRulesError(key, `is not a rule setting (known: ${KNOWN.join(", ")})`);
  const publicPaths = o.publicPaths ?? [];
  if (!Array.isArray(publicPaths) || publicPaths.some((p) => typeof p !== "string"))
    throw new SiteRulesError("publicPaths", "must be a list of path globs");
  const directoryIndex = stringField(o, "directoryIndex", "index.html");
  const cookiePrefix = stringField(o, "cookiePrefix", "sso");
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(cookiePrefix))
    throw new SiteRulesError("cookiePrefix", "must be 1-32 letters, digits, - or _");
  try {
    const rules = compileRules({
      publicPaths,
      requiredRoles: o.requiredRoles as RequiredRoles | undefined,
      indexDocument: directoryIndex || "index.html",
    });
    return {
      // Overlaps are for the edge's load-time log; the function needs only what decides.
      rules: {
        publicPaths: rules.publicPaths,
        roleRules: rules.roleRules,
        everywhere: rules.everywhere,
        indexDocument: rules.indexDocument,
      },
      directoryIndex,
      cookieName: sessionCookieName(cookiePrefix),
      logoutPath: stringField(o, "logoutPath", "/_auth/logout"),
    };
  } catch (error) {
    if (error instanceof RuleError)
      throw new SiteRulesError(error.field, error.message.slice(error.field.length + 1));
    throw error;
  }
}

const SRC = dirname(fileURLToPath(import.meta.url));
const ENTRY = join(SRC, "function.ts");

/**
 * authz-core is bundled as it is written, since it is written for both runtimes: the syntax the function
 * keeps is in the runtime's documented list (see UNLISTED below), and esbuild refuses what is not. The one
 * exception is its error classes, which only the edge throws: each sits alone in a `*-error.ts` module,
 * lowered to ES5 by TypeScript (esbuild lowers no class) and marked pure, so that the bundle drops it.
 */
const lowerErrorClasses: Plugin = {
  name: "lower-error-classes",
  setup(b) {
    b.onResolve({ filter: /^tslib$/ }, () => ({ path: "tslib", namespace: "helpers" }));
    b.onLoad({ filter: /.*/, namespace: "helpers" }, () => ({ contents: HELPERS, loader: "js" }));
    b.onLoad({ filter: /-error\.ts$/ }, async (args) => {
      if (args.path.startsWith(SRC + sep)) return undefined;
      const source = await readFile(args.path, "utf8");
      const out = ts.transpileModule(source, {
        fileName: args.path,
        compilerOptions: {
          target: ts.ScriptTarget.ES5,
          module: ts.ModuleKind.ESNext,
          importHelpers: true,
        },
      });
      // TypeScript marks a lowered class `/** @class */ (function (_super) {…}(Error))`: said pure, an
      // unused class is dropped with its helper.
      return {
        contents: out.outputText.replaceAll("/** @class */ (function", "(/* @__PURE__ */ function"),
        loader: "js",
      };
    });
  },
};

/**
 * The helper TypeScript's ES5 classes import from `tslib`, dropped with them. Not the tslib package: its
 * module has side effects esbuild keeps.
 */
const HELPERS = `
export function __extends(d, b) {
  function F() { this.constructor = d; }
  Object.setPrototypeOf(d, b);
  F.prototype = b.prototype;
  d.prototype = new F();
}
`;

/** Syntax the cloudfront-js-2.0 documentation does not list: refused in the output. */
const UNLISTED = [
  "array-spread",
  "class",
  "class-field",
  "default-argument",
  "destructuring",
  "for-of",
  "generator",
  "async-generator",
  "for-await",
  "logical-assignment",
  "nullish-coalescing",
  "object-extensions",
  "object-rest-spread",
  "optional-catch-binding",
  "optional-chain",
  "regexp-named-capture-groups",
  "regexp-lookbehind-assertions",
  "top-level-await",
];

export interface BuiltFunction {
  /** The function's code exactly as uploaded. */
  code: string;
  bytes: number;
}

/**
 * Builds the function for one site's rules: one file, `import cf from "cloudfront"` and `crypto` at the
 * top, a top-level `async function handler(event)` at the end, nothing exported.
 */
export async function buildSessionCheck(site: SiteRules): Promise<BuiltFunction> {
  const config = functionConfig(site);
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2017",
    supported: Object.fromEntries(UNLISTED.map((f) => [f, false])),
    external: ["cloudfront", "crypto"],
    define: { __SESSION_CHECK_CONFIG__: JSON.stringify(config) },
    minify: true,
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
    plugins: [lowerErrorClasses],
  });
  const text = result.outputFiles[0]?.text ?? "";
  const code = asFunctionFile(text);
  return { code, bytes: Buffer.byteLength(code) };
}

/**
 * esbuild's module ends in `export{<name> as handler};` and may place the runtime's modules' imports
 * after bundled code; CloudFront wants the imports first, a top-level function named handler and no
 * exports. The imports move to the top; the exported function is renamed handler when its minified name
 * occurs nowhere but in its declaration (a word anywhere else, even in a string, and it is left alone),
 * else a handler calling it is added.
 */
export function asFunctionFile(esm: string): string {
  const match = /export\s*\{\s*([A-Za-z_$][\w$]*)(\s+as\s+handler)?\s*\};?\s*$/.exec(esm);
  if (!match || (!match[2] && match[1] !== "handler"))
    throw new Error("the bundle does not end in exactly one export of handler");
  const imports: string[] = [];
  const body = esm
    .slice(0, match.index)
    .replace(/\bimport\s*[A-Za-z_$][\w$]*\s*from\s*"(cloudfront|crypto)";?/g, (statement) => {
      imports.push(statement.endsWith(";") ? statement : `${statement};`);
      return "";
    })
    .trim();
  if (
    /\bimport\s*([\w$]+\s*from\b|[{*"'(])|\bexport\s*([{*]|(default|const|let|var|function|async)\b)/.test(
      body,
    )
  )
    throw new Error("the bundle has imports or exports other than the runtime's modules and handler");
  const name = match[1] as string;
  if (name === "handler") return `${imports.join("")}\n${body}\n`;
  const word = (w: string) => new RegExp(`(^|[^\\w$])${w.replace(/\$/g, "\\$")}(?![\\w$])`, "g");
  const declaration = `async function ${name}(`;
  const renamed =
    (body.match(word(name)) ?? []).length === 1 && !word("handler").test(body) && body.includes(declaration)
      ? body.replace(declaration, "async function handler(")
      : `${body}\nasync function handler(event){return ${name}(event)}`;
  return `${imports.join("")}\n${renamed}\n`;
}
