import { describe, expect, it } from "vitest";
import { canonicalPath, decisionPath, MAX_PATH_LENGTH } from "../src/canonical-path.js";

const ok = (path: string) => ({ ok: true, path });
const refused = (reason: string) => ({ ok: false, reason });

describe("canonicalPath", () => {
  it.each([
    ["/", "/"],
    ["/staff/", "/staff/"],
    ["/staff/index.html", "/staff/index.html"],
    ["//staff//a.html", "/staff/a.html"],
    ["/staff//", "/staff/"],
    ["/staff/.", "/staff/"],
    ["/staff/%2e", "/staff/"],
    ["/staff/%2E/", "/staff/"],
    ["/staff/x/..", "/staff/"],
    ["/staff/x/%2e%2E", "/staff/"],
    ["/staff/x/.%2e/", "/staff/"],
    ["/public/../staff/", "/staff/"],
    ["/../../staff", "/staff"],
    ["/..", "/"],
    ["/.", "/"],
    ["//", "/"],
    ["/a/./b/../c", "/a/c"],
    ["/...", "/..."],
    ["/st%61ff/%7Ea", "/staff/~a"],
    ["/a%2Bb/%40x%3A", "/a+b/@x:"],
    ["/a+b", "/a+b"],
    ["/a%20b", "/a%20b"],
    ["/a%2fb".replace("%2fb", "%3fb"), "/a%3Fb"],
    ["/%c3%bc", "/%C3%BC"],
    ["/ü", "/%C3%BC"],
    ["/😀", "/%F0%9F%98%80"],
    ['/a"b<c>', "/a%22b%3Cc%3E"],
    ["/%25", "/%25"],
    ["/%25zz", "/%25zz"],
  ])("%s is %s", (raw, expected) => {
    expect(canonicalPath(raw)).toEqual(ok(expected));
  });

  it.each([
    ["staff/", "path_not_absolute"],
    ["", "path_not_absolute"],
    ["/public/..%2Fstaff/", "path_encoded_separator"],
    ["/public/..%2fstaff/", "path_encoded_separator"],
    ["/public/..%5Cstaff/", "path_encoded_separator"],
    ["/public\\..\\staff/", "path_backslash"],
    ["/staff%00/", "path_control_char"],
    ["/staff/%0a", "path_control_char"],
    ["/staff/%7f", "path_control_char"],
    ["/a b", "path_control_char"],
    ["/a\u0001", "path_control_char"],
    ["/%C0%AEstaff/", "path_invalid_utf8"],
    ["/%C0%AF", "path_invalid_utf8"],
    ["/%E0%80%AF", "path_invalid_utf8"],
    ["/%ED%A0%80", "path_invalid_utf8"],
    ["/%F4%90%80%80", "path_invalid_utf8"],
    ["/%FF", "path_invalid_utf8"],
    ["/%C3", "path_invalid_utf8"],
    ["/\ud800x", "path_invalid_utf8"],
    ["/%E0%A4%A", "path_bad_escape"],
    ["/a%ZZ", "path_bad_escape"],
    ["/a%", "path_bad_escape"],
    ["/public/..%252Fstaff/", "path_double_encoded"],
    ["/a%25%32%46", "path_double_encoded"],
    ["/a?b", "path_query_or_fragment"],
    ["/a#b", "path_query_or_fragment"],
    ["/staff;x/", "path_parameter"],
    ["/staff%3bx/", "path_parameter"],
    [`/${"a".repeat(MAX_PATH_LENGTH)}`, "path_too_long"],
    [`/${"%61".repeat(MAX_PATH_LENGTH * 2)}`, "path_too_long"],
  ])("%s is refused (%s)", (raw, reason) => {
    expect(canonicalPath(raw)).toEqual(refused(reason));
  });

  it("is idempotent: a canonical path is its own canonical form", () => {
    for (const raw of ["/a/./b/../%7e/%c3%bc/x%20y/", "/%2e%2e/a+b", "/a%22"]) {
      const once = canonicalPath(raw);
      expect(once.ok).toBe(true);
      if (once.ok) expect(canonicalPath(once.path)).toEqual(once);
    }
  });
});

describe("decisionPath", () => {
  it("decides a folder URL as its index document", () => {
    expect(decisionPath("/staff/", "index.html")).toBe("/staff/index.html");
    expect(decisionPath("/", "index.html")).toBe("/index.html");
    expect(decisionPath("/staff", "index.html")).toBe("/staff");
  });
});
