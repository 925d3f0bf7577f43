// startKeycloak's pieces that need no running Keycloak. The running one is tested in ../keycloak.test.ts.
import { describe, expect, it } from "vitest";
import dist from "../../src/keycloak/keycloak-dist.json" with { type: "json" };
import { keycloakStartArgs } from "../../src/keycloak/start-keycloak.js";

describe("Keycloak's start and build options", () => {
  const start = keycloakStartArgs({
    port: 8080,
    managementPort: 9000,
    url: "http://localhost:8080",
    dbArgs: [],
  });

  it("starts Keycloak with a local cache (no cluster), optimized, on 127.0.0.1", () => {
    expect(start.slice(0, 2)).toEqual(["start", "--optimized"]);
    expect(start).toContain("--cache=local");
    expect(start).toContain("--http-host=127.0.0.1");
  });

  it("gives kc.sh build no run-time option such as --cache, which it would ignore", () => {
    for (const options of Object.values(dist.buildOptions)) {
      expect(options.some((o) => o.startsWith("--cache"))).toBe(false);
    }
  });
});
