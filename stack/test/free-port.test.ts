import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { assertPortFree, freePort, portInUse } from "../src/free-port.js";
import { KeycloakError } from "../src/keycloak/keycloak-error.js";

describe("portInUse", () => {
  it("names the part and its variable when the part's own port is taken", () => {
    const error = new KeycloakError("port_in_use", "port 8080 for Keycloak is already in use.", {
      port: 8080,
    });

    const reported = portInUse(error, "IdP (Keycloak)", 8080, "IDP_PORT") as Error & { code: string };

    expect(reported.code).toBe("port_in_use");
    expect(reported.message).toContain("IDP_PORT=<port>");
  });

  it("leaves an error about another port (Keycloak's management port) as it is", () => {
    const error = new KeycloakError("port_in_use", "port 9000 for Keycloak's management interface …", {
      port: 9000,
    });

    expect(portInUse(error, "IdP (Keycloak)", 8080, "IDP_PORT")).toBe(error);
  });

  it("leaves errors that are not about a port as they are", () => {
    const error = new KeycloakError("keycloak_start_failed", "Keycloak exited");

    expect(portInUse(error, "IdP (Keycloak)", 8080, "IDP_PORT")).toBe(error);
  });
});

describe("assertPortFree", () => {
  it("fails with port_in_use carrying the port that is taken", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;

    const error = await assertPortFree(port, "Keycloak's management interface", "hint").catch((e) => e);

    taken.close();
    expect(error).toMatchObject({ code: "port_in_use", port });
  });

  it("resolves for a port nothing listens on", async () => {
    await expect(assertPortFree(await freePort(), "PostgreSQL", "hint")).resolves.toBeUndefined();
  });
});

describe("freePort", () => {
  it("gives a port that can be listened on at once, on loopback", async () => {
    const port = await freePort();
    const server = createServer();

    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });

    expect((server.address() as { port: number }).port).toBe(port);
    await new Promise((resolve) => server.close(resolve));
  });
});
