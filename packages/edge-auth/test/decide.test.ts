import { describe, expect, it } from "vitest";
import { accessRules, parseConfig } from "../src/config.js";
import { decide, routeOf } from "../src/decide.js";

const config = parseConfig({
  issuer: "https://idp.example.com/realms/demo",
  clientId: "static-site",
  validateUrl: "https://api.example.com/validate",
  publicPaths: ["/public/*"],
  requiredRoles: { "/staff/*": ["staff"] },
});
const staff = { realm_access: { roles: ["staff"] } };
const rules = accessRules(config);
const at = (uri: string) => routeOf(uri, config, rules);

describe("routeOf", () => {
  it("knows the callback, logout, public and protected paths", () => {
    expect(at("/_auth/callback").kind).toBe("callback");
    expect(at("/_auth/logout").kind).toBe("logout");
    expect(at("/public/a.css").kind).toBe("public");
    expect(at("/index.html").kind).toBe("protected");
  });

  it("decides a folder URL as its index file and forwards exactly that path", () => {
    expect(at("/staff/")).toEqual({ kind: "protected", forwardPath: "/staff/index.html", roles: ["staff"] });
    expect(at("/staff/x/%2e%2e")).toEqual(at("/staff/"));
    expect(at("/_auth/./callback").kind).toBe("callback");
    expect(at("/staff%2Fx")).toEqual({ kind: "bad_path", reason: "path_encoded_separator" });
  });
});

describe("decide", () => {
  const protectedRoute = at("/staff/");

  it("allows public paths without looking at the session", () => {
    expect(decide({ route: at("/public/"), navigation: true, config })).toEqual({
      type: "allow",
      reason: "public",
      forwardPath: "/public/index.html",
    });
  });

  it("sends a page load without a session to login, and a fetch to 401", () => {
    const session = { kind: "none", hasRefresh: false } as const;
    expect(decide({ route: protectedRoute, navigation: true, session, config }).type).toBe("login");
    expect(decide({ route: protectedRoute, navigation: false, session, config }).type).toBe("unauthorized");
  });

  it("refreshes an expired token when there is a refresh token, else logs in", () => {
    expect(
      decide({
        route: protectedRoute,
        navigation: true,
        session: { kind: "expired", hasRefresh: true },
        config,
      }).type,
    ).toBe("refresh");
    expect(
      decide({
        route: protectedRoute,
        navigation: true,
        session: { kind: "expired", hasRefresh: false },
        config,
      }).type,
    ).toBe("login");
  });

  it("denies a valid session without the path's role", () => {
    const session = { kind: "valid", claims: {}, cached: false } as const;
    expect(decide({ route: protectedRoute, navigation: true, session, config })).toEqual({
      type: "deny",
      reason: "role_missing",
    });
  });

  it("allows a valid session with the path's role", () => {
    const session = { kind: "valid", claims: staff, cached: true } as const;
    expect(decide({ route: protectedRoute, navigation: true, session, config }).type).toBe("allow");
  });

  it("is unavailable when the session could not be checked", () => {
    expect(
      decide({
        route: protectedRoute,
        navigation: true,
        session: { kind: "unavailable", reason: "validate_timeout" },
        config,
      }),
    ).toEqual({ type: "unavailable", reason: "validate_timeout" });
    expect(decide({ route: protectedRoute, navigation: true, config }).type).toBe("unavailable");
  });

  it("denies a path that cannot be decoded", () => {
    expect(decide({ route: at("/%E0%A4%A"), navigation: true, config })).toEqual({
      type: "deny",
      reason: "bad_path",
    });
  });
});
