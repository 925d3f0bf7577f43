import { describe, expect, it } from "vitest";
import { rolesOf } from "../src/roles.js";

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

describe("rolesOf, as a role rule needs it", () => {
  it("counts a client role from resource_access", () => {
    expect(rolesOf(claims, "static-site").has("editor")).toBe(true);
  });
});
