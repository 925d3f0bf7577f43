import { isNavigation } from "@static-sso/authz-core";
import { describe, expect, it } from "vitest";
import { functionConfig } from "../src/build.js";
import { decide, queryText, returnPath, routeOf, type SessionState } from "../src/decide.js";

const config = functionConfig({ publicPaths: ["/public/*"], requiredRoles: { "/staff/*": ["staff"] } });
const valid = (roles: string[]): SessionState => ({ kind: "valid", sub: "s", roles, exp: 1, refresh: true });
const expired = (refresh: boolean): SessionState => ({
  kind: "token_expired",
  sub: "s",
  roles: [],
  exp: 1,
  refresh,
});
const at = (uri: string, session: SessionState, navigation = true) =>
  decide(routeOf(uri, config), session, navigation, returnPath(uri, ""));

describe("decide", () => {
  it.each([
    [
      "a public page, no session",
      "/public/a.css",
      { kind: "no_session" },
      { kind: "pass", uri: "/public/a.css" },
    ],
    [
      "a public folder, as its index",
      "/public/",
      { kind: "no_session" },
      { kind: "pass", uri: "/public/index.html" },
    ],
    ["staff with the role", "/staff/", valid(["staff"]), { kind: "pass", uri: "/staff/index.html" }],
    ["staff without it", "/staff/", valid([]), { kind: "forbidden", reason: "role_missing" }],
    ["a page for any session", "/docs/a.html", valid([]), { kind: "pass", reason: "session_valid" }],
    ["an encoded slash", "/staff%2fx", valid(["staff"]), { kind: "bad_request" }],
    ["no keys to check with", "/docs/", { kind: "keys_unavailable" }, { kind: "unavailable" }],
    [
      "expired, refreshable",
      "/docs/",
      expired(true),
      { kind: "redirect", location: "/_auth/refresh?return=%2Fdocs%2F" },
    ],
    [
      "expired, no refresh token",
      "/docs/",
      expired(false),
      { kind: "redirect", location: "/_auth/login?return=%2Fdocs%2F" },
    ],
    ["no session", "/docs/", { kind: "no_session" }, { kind: "redirect", reason: "no_session" }],
    [
      "a bad signature",
      "/docs/",
      { kind: "signature_invalid" },
      { kind: "redirect", reason: "signature_invalid" },
    ],
    ["an unknown kid", "/docs/", { kind: "key_not_found" }, { kind: "redirect", reason: "key_not_found" }],
    [
      "a malformed cookie",
      "/docs/",
      { kind: "token_malformed" },
      { kind: "redirect", reason: "token_malformed" },
    ],
  ] as Array<[string, string, SessionState, object]>)("%s", (_, uri, session, expected) => {
    expect(at(uri, session)).toMatchObject(expected);
  });

  it("a fetch goes to /_auth/refresh when a refresh can help (as the edge function decides), else gets unauthorized", () => {
    expect(at("/docs/", expired(true), false)).toMatchObject({
      kind: "redirect",
      location: "/_auth/refresh?return=%2Fdocs%2F",
    });
    expect(at("/docs/", expired(false), false)).toEqual({ kind: "unauthorized", reason: "token_expired" });
    expect(at("/docs/", { kind: "no_session" }, false)).toEqual({
      kind: "unauthorized",
      reason: "no_session",
    });
  });

  it("a folder URL goes to the origin as it is when the directory index is off", () => {
    const off = functionConfig({ directoryIndex: "" });
    expect(decide(routeOf("/a/", off), valid([]), true, "/")).toMatchObject({ kind: "pass", uri: "/a/" });
  });
});

describe("isNavigation", () => {
  it.each([
    [undefined, undefined, true],
    ["navigate", "text/html", true],
    ["cors", "*/*", false],
    [undefined, "application/json", false],
    [undefined, "application/json, text/html", true],
  ])("sec-fetch-mode %s, accept %s: %s", (mode, accept, expected) => {
    expect(isNavigation(mode, accept)).toBe(expected);
  });
});

describe("returnPath and queryText", () => {
  it("rebuild the query as sent, repeated names included", () => {
    expect(
      queryText({
        a: { value: "1", multiValue: [{ value: "1" }, { value: "2" }] },
        b: { value: "x%20y" },
        c: { value: "" },
      }),
    ).toBe("a=1&a=2&b=x%20y&c");
  });

  it("drop the query when too long, and the path too when that is", () => {
    expect(returnPath("/a", "q=1")).toBe("/a?q=1");
    expect(returnPath("/a", `q=${"x".repeat(2000)}`)).toBe("/a");
    expect(returnPath(`/${"x".repeat(2000)}`, "")).toBe("/");
  });
});
