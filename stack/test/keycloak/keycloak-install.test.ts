import { afterEach, describe, expect, it } from "vitest";
import { findKeycloakInstall } from "../../src/keycloak/keycloak-install.js";

describe("findKeycloakInstall", () => {
  const saved = process.env.JAVA_HOME;
  afterEach(() => {
    if (saved === undefined) delete process.env.JAVA_HOME;
    else process.env.JAVA_HOME = saved;
  });

  it("says how to install Java and Maven when Java cannot be run", () => {
    process.env.JAVA_HOME = "/nonexistent-jdk";

    const status = findKeycloakInstall("postgres");

    expect(status.available).toBe(false);
    expect(status.available ? "" : status.reason).toContain("apt-get install openjdk-17-jre-headless maven");
  });
});
