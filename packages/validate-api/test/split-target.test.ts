import { describe, expect, it } from "vitest";
import { splitTarget } from "../src/split-target.js";

describe("splitTarget", () => {
  it("splits an origin-form target into path and query", () => {
    expect(splitTarget("/validate?a=1&b=2")).toEqual({ path: "/validate", query: "a=1&b=2" });
  });

  it("keeps // as the path (new URL throws on it)", () => {
    expect(splitTarget("//")).toEqual({ path: "//", query: "" });
  });

  it("reduces an absolute-form target to its path and query", () => {
    expect(splitTarget("http://example.com/validate?x=1")).toEqual({ path: "/validate", query: "x=1" });
    expect(splitTarget("http://example.com")).toEqual({ path: "/", query: "" });
    expect(splitTarget("http://example.com?x=1")).toEqual({ path: "/", query: "x=1" });
  });

  it("keeps an odd absolute target's path as it is, without throwing", () => {
    expect(splitTarget("http://[::1/validate")).toEqual({ path: "/validate", query: "" });
    expect(splitTarget("http:////validate")).toEqual({ path: "//validate", query: "" });
  });

  it("keeps a target that is neither form as the path, which routes nowhere", () => {
    expect(splitTarget("*")).toEqual({ path: "*", query: "" });
    expect(splitTarget("")).toEqual({ path: "/", query: "" });
  });

  it("leaves percent-encoding as it came, like API Gateway's rawPath", () => {
    expect(splitTarget("/va%6Cidate")).toEqual({ path: "/va%6Cidate", query: "" });
  });
});
