import { describe, expect, it } from "vitest";
import { rolesFromClaims } from "../src/roles-from-claims.js";

describe("rolesFromClaims", () => {
  const claims = {
    realm_access: { roles: ["staff", "offline_access"] },
    resource_access: { "demo-client": { roles: ["editor"] }, other: { roles: ["admin"] } },
  };

  it("finds Keycloak realm roles in realm_access.roles", () => {
    expect(rolesFromClaims(claims)).toEqual(new Set(["staff", "offline_access"]));
  });

  it("adds the given client's roles from resource_access.<clientId>.roles, not other clients'", () => {
    expect(rolesFromClaims(claims, "demo-client")).toEqual(new Set(["staff", "offline_access", "editor"]));
  });

  it("ignores claims that are not shaped like role lists", () => {
    expect(
      rolesFromClaims({ realm_access: { roles: "staff" }, resource_access: { c: { roles: [1, ""] } } }, "c"),
    ).toEqual(new Set());
  });

  it("does not read inherited properties as a client id", () => {
    expect(rolesFromClaims({ resource_access: {} }, "__proto__")).toEqual(new Set());
  });
});
