// decide() as data: facts (route, navigation) and a checked session in, the whole decision out. No I/O.
import { describe, expect, it } from "vitest";
import { accessRules, parseConfig } from "../src/config.js";
import { type Decision, decide, type SessionCheck } from "../src/decide.js";
import { routeOf } from "../src/facts.js";

const config = parseConfig({
  issuer: "https://idp.example.com/realms/demo",
  clientId: "static-site",
  validateUrl: "https://api.example.com/validate",
  publicPaths: ["/public/*"],
  requiredRoles: { "/staff/*": ["staff"] },
});
const rules = accessRules(config);
const at = (uri: string) => routeOf(uri, config, rules);
const same = {
  method: "GET",
  host: "site.example.com",
  header: (n: string) => (n === "sec-fetch-site" ? "same-origin" : undefined),
};

const valid = (roles: string[]): SessionCheck => ({
  kind: "valid",
  claims: { realm_access: { roles } },
  cached: false,
});
const CASES: Array<[string, string, boolean, SessionCheck | undefined, Decision]> = [
  [
    "public page",
    "/public/a.css",
    true,
    undefined,
    { kind: "pass", reason: "public", forwardPath: "/public/a.css" },
  ],
  [
    "public folder",
    "/public/",
    true,
    undefined,
    { kind: "pass", reason: "public", forwardPath: "/public/index.html" },
  ],
  [
    "no session, page load",
    "/docs/",
    true,
    { kind: "none", hasRefresh: false },
    { kind: "login", reason: "no_session" },
  ],
  [
    "no session, fetch",
    "/docs/",
    false,
    { kind: "none", hasRefresh: false },
    { kind: "deny", status: 401, reason: "no_session" },
  ],
  [
    "no access token, refresh token",
    "/docs/",
    true,
    { kind: "none", hasRefresh: true },
    { kind: "refresh", reason: "no_access_token" },
  ],
  [
    "expired, refresh token",
    "/docs/",
    true,
    { kind: "expired", hasRefresh: true },
    { kind: "refresh", reason: "token_expired" },
  ],
  [
    "expired, no refresh token",
    "/docs/",
    true,
    { kind: "expired", hasRefresh: false },
    { kind: "login", reason: "token_expired" },
  ],
  [
    "invalid token, page load",
    "/docs/",
    true,
    { kind: "invalid", code: "signature_invalid", hasRefresh: true },
    { kind: "login", reason: "signature_invalid" },
  ],
  [
    "valid, no role needed",
    "/docs/",
    true,
    valid([]),
    { kind: "pass", reason: "session_valid", forwardPath: "/docs/index.html" },
  ],
  ["valid, role missing", "/staff/", true, valid([]), { kind: "deny", status: 403, reason: "role_missing" }],
  [
    "valid, role missing, spelt with a dot segment",
    "/staff/x/%2e%2e",
    true,
    valid([]),
    { kind: "deny", status: 403, reason: "role_missing" },
  ],
  [
    "valid, role held",
    "/staff/",
    true,
    valid(["staff"]),
    { kind: "pass", reason: "session_valid", forwardPath: "/staff/index.html" },
  ],
  [
    "session not checkable",
    "/docs/",
    true,
    { kind: "unavailable", reason: "validate_timeout" },
    { kind: "unavailable", reason: "validate_timeout" },
  ],
  [
    "protected, session not checked",
    "/docs/",
    true,
    undefined,
    { kind: "unavailable", reason: "session_not_checked" },
  ],
  [
    "undecodable path",
    "/%E0%A4%A",
    true,
    undefined,
    { kind: "refuse", status: 400, reason: "path_bad_escape" },
  ],
  [
    "encoded slash",
    "/public/..%2Fstaff/",
    true,
    undefined,
    { kind: "refuse", status: 400, reason: "path_encoded_separator" },
  ],
  ["callback", "/_auth/callback", true, undefined, { kind: "callback", reason: "callback" }],
  [
    "callback, spelt with a dot segment",
    "/_auth/./callback",
    true,
    undefined,
    { kind: "callback", reason: "callback" },
  ],
];

describe("decide", () => {
  it.each(CASES)("%s (%s)", (_name, uri, navigation, session, expected) => {
    expect(decide({ route: at(uri), navigation }, session, config)).toEqual(expected);
  });

  it("logs out only when the site itself asked (Fetch Metadata), else asks to confirm", () => {
    expect(
      decide({ route: routeOf("/_auth/logout", config, rules, same), navigation: true }, undefined, config),
    ).toEqual({
      kind: "logout",
      reason: "logout",
    });
    const crossSite = { ...same, header: (n: string) => (n === "sec-fetch-site" ? "cross-site" : undefined) };
    expect(
      decide(
        { route: routeOf("/_auth/logout", config, rules, crossSite), navigation: true },
        undefined,
        config,
      ),
    ).toEqual({
      kind: "logout_confirm",
      reason: "logout_not_same_origin",
    });
  });
});
