import { createServer } from "node:net";
import { KeycloakError } from "./keycloak-error.js";

/** A port nothing listens on right now (the OS picks it): the stack's own picker. */
export { pickFreePort as freePort } from "../free-port.js";

/**
 * Fails with `port_in_use` when something already listens on the port (on any address), so a
 * second stack gets a clear message instead of a Keycloak that never becomes ready.
 */
export function assertPortFree(port: number, what: string, hint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EACCES") {
        reject(
          new KeycloakError("port_in_use", `port ${port} for ${what} is already in use. ${hint}`, {
            cause: error,
            port,
          }),
        );
      } else {
        reject(error);
      }
    });
    // No host: binds the IPv6 wildcard with IPv4 mapped, so a listener on any address collides.
    server.listen(port, () => server.close(() => resolve()));
  });
}
