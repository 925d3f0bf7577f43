import { describe, expect, it } from "vitest";
import { canonicalPath, decisionPath } from "../src/canonical-path.js";
import { compileRules, needsOf, RuleError } from "../src/rules.js";

const rules = compileRules({
  publicPaths: ["/public/*", "/favicon.ico"],
  requiredRoles: {
    "/staff/*": ["staff"],
    "/admin/index.html": ["admin"],
    "/team/": ["team"],
    "/public/secret/*": ["staff"],
  },
  indexDocument: "index.html",
});
/** What a raw request path needs, decided on its canonical decision path. */
const needs = (uri: string) => {
  const c = canonicalPath(uri);
  if (!c.ok) throw new Error(c.reason);
  return needsOf(decisionPath(c.path, "index.html"), rules);
};
const roles = (...r: string[]) => ({ kind: "session", roles: r });

describe("needsOf", () => {
  it.each([
    ["/public/a.css", { kind: "public" }],
    ["/favicon.ico", { kind: "public" }],
    ["/docs/", roles()],
    ["/staff/", roles("staff")],
    ["/staff", roles()],
    ["/admin/", roles("admin")],
    ["/admin/index.html", roles("admin")],
    ["/admin/./", roles("admin")],
    ["/team/", roles("team")],
    ["/team/index.html", roles("team")],
    ["/team/other.html", roles()],
    ["/public/secret/a.html", roles("staff")],
    ["/public/%73ecret/", roles("staff")],
  ])("%s needs %j", (uri, expected) => {
    expect(needs(uri)).toEqual(expected);
  });

  it("needs every matching rule's roles", () => {
    const both = compileRules({
      publicPaths: [],
      requiredRoles: { "/staff/*": ["staff"], "/staff/hr/*": ["hr"] },
      indexDocument: "index.html",
    });
    expect(needsOf("/staff/hr/index.html", both)).toEqual(roles("staff", "hr"));
  });

  it("applies the list form to every protected path, and leaves public paths public", () => {
    const list = compileRules({
      publicPaths: ["/public/*"],
      requiredRoles: ["member"],
      indexDocument: "index.html",
    });
    expect(needsOf("/x.html", list)).toEqual(roles("member"));
    expect(needsOf("/public/x.html", list)).toEqual({ kind: "public" });
  });
});

describe("compileRules", () => {
  it("reports a public rule and a role rule that overlap", () => {
    expect(rules.overlaps).toEqual([{ publicGlob: "/public/*", roleGlob: "/public/secret/*" }]);
  });

  it("writes globs in the canonical form of paths", () => {
    const r = compileRules({ publicPaths: ["/p%75blic/*", "/ü/*"], indexDocument: "index.html" });
    expect(r.publicPaths).toEqual(["/public/*", "/%C3%BC/*"]);
  });

  it.each([
    ["public/*", /must start with \//],
    ["/public/../*", /dot segment/],
    ["/public/./*", /dot segment/],
    ["/public/%2e%2e/*", /dot segment/],
    ["/public//*", /empty segment/],
    ["/public%2F*", /path_encoded_separator/],
    ["/public\\*", /path_backslash/],
    ["/a%2A", /path_bad_escape/],
    ["/a;b/*", /path_parameter/],
    ["/a%ZZ", /path_bad_escape/],
  ])("refuses the glob %s", (glob, message) => {
    expect(() => compileRules({ publicPaths: [glob], indexDocument: "index.html" })).toThrow(RuleError);
    expect(() => compileRules({ publicPaths: [glob], indexDocument: "index.html" })).toThrow(message);
  });
});
