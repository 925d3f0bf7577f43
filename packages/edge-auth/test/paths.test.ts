import { describe, expect, it } from "vitest";
import { matchesAny, normalizePath } from "../src/paths.js";

describe("matchesAny (CloudFront path-pattern semantics)", () => {
  it("lets * match across slashes", () => {
    expect(matchesAny("/public/a/b.css", ["/public/*"])).toBe(true);
    expect(matchesAny("/public/", ["/public/*"])).toBe(true);
  });

  it("does not match the folder name without its slash", () => {
    expect(matchesAny("/publicity.html", ["/public/*"])).toBe(false);
  });

  it("lets ? match one character", () => {
    expect(matchesAny("/a1.html", ["/a?.html"])).toBe(true);
    expect(matchesAny("/a12.html", ["/a?.html"])).toBe(false);
  });

  it("treats regex characters in a glob literally", () => {
    expect(matchesAny("/a+b.html", ["/a+b.html"])).toBe(true);
    expect(matchesAny("/aab.html", ["/a+b.html"])).toBe(false);
  });
});

describe("normalizePath", () => {
  it.each([
    ["/public/../staff/", "/staff/"],
    ["/public/%2e%2e/staff/", "/staff/"],
    ["/public/..%2Fstaff/", "/staff/"],
    ["/%73taff/", "/staff/"],
    ["//staff//x", "/staff/x"],
    ["/public\\..\\staff/", "/staff/"],
  ])("resolves %s to %s", (raw, expected) => {
    expect(normalizePath(raw)).toBe(expected);
  });

  it.each([
    "/public/x%3F%2F..%2F..%2Fstaff%2F",
    "/public/x%23%2F..%2F..%2Fstaff%2Findex.html",
    "/public/x#/../../staff/",
    "/public/%00/../../staff/",
    "/public/..%252525252Fstaff/",
  ])("refuses %s, which a decoding origin would read as another path", (raw) => {
    expect(normalizePath(raw)).toBeUndefined();
  });

  it("resolves dot segments only after decoding", () => {
    expect(normalizePath("/public/..%2Fstaff%2Findex.html%2Fx/..")).toBe("/staff/index.html");
  });

  it("refuses a path that cannot be decoded", () => {
    expect(normalizePath("/%E0%A4%A")).toBeUndefined();
  });
});
