import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  asFunctionFile,
  type BuiltFunction,
  buildSessionCheck,
  FUNCTION_CODE_LIMIT_BYTES,
  FUNCTION_CODE_TARGET_BYTES,
  functionConfig,
  SiteRulesError,
} from "../src/build.js";

const SITE_RULES = JSON.parse(readFileSync(join(__dirname, "..", "site-rules.json"), "utf8"));

describe("buildSessionCheck for the demo site", () => {
  let built: BuiltFunction;
  beforeAll(async () => {
    built = await buildSessionCheck(SITE_RULES);
  });

  it("stays under CloudFront's 10 KB function size limit", () => {
    expect(built.bytes).toBe(Buffer.byteLength(built.code));
    expect(built.bytes).toBeLessThanOrEqual(FUNCTION_CODE_LIMIT_BYTES);
  });

  it("stays within our own target, which leaves room under the limit for a site with longer rules", () => {
    expect(built.bytes).toBeLessThanOrEqual(FUNCTION_CODE_TARGET_BYTES);
  });

  it("is one file: the runtime's modules imported first, a top-level async handler, no export", () => {
    expect(built.code.split("\n")[0]).toMatch(/^(import [\w$]+ from"(cloudfront|crypto)";){2}$/);
    expect(built.code.match(/(^|[^\w$.])async function handler\(/g)).toHaveLength(1);
    expect(built.code).toMatch(/\}\n$/);
    expect(built.code).not.toMatch(/\bexport\b/);
  });

  it("bakes in the site's rules, compiled", () => {
    expect(built.code).toContain('roleRules:[{glob:"/staff/*",roles:["staff"]}]');
    expect(built.code).toContain('cookieName:"__Host-sso-session"');
  });
});

describe("functionConfig", () => {
  it("refuses a key that is not a rule setting (a typo would silently drop a rule)", () => {
    expect(() => functionConfig({ publicPath: ["/x/*"] })).toThrow(SiteRulesError);
  });

  it("refuses a glob that could never match, naming the field", () => {
    expect(() => functionConfig({ requiredRoles: { "/a/../b/*": ["r"] } })).toThrow(/requiredRoles/);
  });
});

describe("asFunctionFile", () => {
  it("names the exported function handler when its minified name is used nowhere else", () => {
    const file = asFunctionFile('import c from"crypto";async function a(e){return e}export{a as handler};');
    expect(file).toBe('import c from"crypto";\nasync function handler(e){return e}\n');
  });

  it("calls it from a handler when its name occurs elsewhere, even in a string", () => {
    const file = asFunctionFile('var s=" a ";async function a(e){return s}export{a as handler};');
    expect(file).toBe(
      '\nvar s=" a ";async function a(e){return s}\nasync function handler(event){return a(event)}\n',
    );
  });

  it("refuses a bundle that exports more than handler", () => {
    expect(() => asFunctionFile("export const x=1;async function a(e){}export{a as handler};")).toThrow();
  });

  it("refuses a bundle importing another module", () => {
    expect(() => asFunctionFile('import fs from"fs";async function a(e){}export{a as handler};')).toThrow();
  });
});
