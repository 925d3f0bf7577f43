import { describe, expect, it } from "vitest";
import { missingRoles, rolesOf } from "../src/roles.js";

const claims = {
  realm_access: { roles: ["staff", "offline_access"] },
  resource_access: { "static-site": { roles: ["editor"] }, other: { roles: ["admin"] } },
};

describe("rolesOf", () => {
  it("reads realm roles and this client's roles, not other clients'", () => {
    expect([...rolesOf(claims, "static-site")].sort()).toEqual(["editor", "offline_access", "staff"]);
  });

  it("finds nothing in a token without Keycloak's role claims", () => {
    expect(rolesOf({ sub: "x" }, "static-site").size).toBe(0);
  });
});

describe("missingRoles", () => {
  it("requires every role of every glob that matches the path", () => {
    const required = { "/staff/*": ["staff"], "/staff/admin/*": ["admin"] };
    expect(missingRoles("/staff/admin/x", claims, required, "static-site")).toEqual(["admin"]);
    expect(missingRoles("/staff/x", claims, required, "static-site")).toEqual([]);
  });

  it("accepts a client role from resource_access", () => {
    expect(missingRoles("/x", claims, ["editor"], "static-site")).toEqual([]);
  });

  it("requires nothing when no roles are configured", () => {
    expect(missingRoles("/x", {}, undefined, "static-site")).toEqual([]);
  });
});
