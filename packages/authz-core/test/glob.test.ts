import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { globMatch, globsOverlap } from "../src/glob.js";

/** The slow reference: a RegExp (fine for the short inputs fast-check makes). */
function reference(glob: string, path: string): boolean {
  const source = [...glob]
    .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "s").test(path);
}

const alphabet = fc.constantFrom("a", "b", "/", ".");
const globArb = fc
  .array(fc.oneof(alphabet, fc.constantFrom("*", "?")), { maxLength: 8 })
  .map((a) => a.join(""));
const pathArb = fc.array(alphabet, { maxLength: 12 }).map((a) => a.join(""));

describe("globMatch (CloudFront path-pattern semantics)", () => {
  it("matches as the reference RegExp does", () => {
    fc.assert(
      fc.property(globArb, pathArb, (g, p) => globMatch(g, p) === reference(g, p)),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ["/public/*", "/public/a/b.css", true],
    ["/public/*", "/public/", true],
    ["/public/*", "/publicity.html", false],
    ["/a?.html", "/a1.html", true],
    ["/a?.html", "/a12.html", false],
    ["/a+b.html", "/a+b.html", true],
    ["/a+b.html", "/aab.html", false],
    ["*", "", true],
    ["", "", true],
    ["/x", "/x/", false],
  ])("%s on %s is %s", (g, p, expected) => {
    expect(globMatch(g, p)).toBe(expected);
  });

  it("answers a 16 KB path against a many-star rule (a backtracking RegExp runs for minutes here)", () => {
    const path = `/assets/${"a/".repeat(8 * 1024)}b`;
    expect(globMatch("/assets/*/*/*/*/*/*/*/*.js", path)).toBe(false);
    expect(globMatch("/assets/*/*/*/*/*/*/*/*b", path)).toBe(true);
  });
});

describe("globsOverlap", () => {
  it("is true exactly when some path matches both (checked by brute force on short paths)", () => {
    const paths: string[] = [""];
    for (let len = 1; len <= 5; len++)
      for (const p of paths.filter((x) => x.length === len - 1)) for (const c of "ab/") paths.push(p + c);
    const small = fc.array(fc.constantFrom("a", "b", "/", "*", "?"), { maxLength: 4 }).map((a) => a.join(""));
    fc.assert(
      fc.property(small, small, (a, b) => {
        const brute = paths.some((p) => globMatch(a, p) && globMatch(b, p));
        // Brute force only sees paths up to 5 characters: where it finds one, the walk must too.
        if (brute) return globsOverlap(a, b);
        return true;
      }),
      { numRuns: 5_000 },
    );
  });

  it.each([
    ["/public/*", "/public/secret/*", true],
    ["/public/*", "/staff/*", false],
    ["/*.css", "/staff/*", true],
    ["/a?c", "/ab*", true],
    ["/a?c", "/ax", false],
  ])("%s and %s: %s", (a, b, expected) => {
    expect(globsOverlap(a, b)).toBe(expected);
    expect(globsOverlap(b, a)).toBe(expected);
  });
});
