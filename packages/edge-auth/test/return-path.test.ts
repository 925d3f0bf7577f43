import { describe, expect, it } from "vitest";
import { originalPath, safeReturnPath } from "../src/return-path.js";

describe("safeReturnPath", () => {
  it("keeps a path and query on this site", () => {
    expect(safeReturnPath("/docs/a.html?x=1&y=%2F")).toBe("/docs/a.html?x=1&y=%2F");
  });

  it.each([
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "/%2F%2Fevil.example/",
    "/%5Cevil.example/",
    "/%252F%252Fevil.example/",
    "/\tevil",
    "javascript:alert(1)",
    "evil",
    "",
  ])("turns %j into /", (candidate) => {
    expect(safeReturnPath(candidate)).toBe("/");
  });
});

describe("originalPath", () => {
  it("joins the URI and the query string CloudFront passes without ?", () => {
    expect(originalPath("/a", "b=1")).toBe("/a?b=1");
  });

  it("drops a query too long to carry through the login", () => {
    expect(originalPath("/a", "q=".padEnd(3000, "x"))).toBe("/a");
  });
});
