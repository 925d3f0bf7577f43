// The stack's port helpers, one module for the stack and its Keycloak tier (issue #15): pick a free
// port, check that a chosen one is free, and turn "port taken" into a message naming what to change.
import { createServer } from "node:net";
import { KeycloakError } from "./keycloak/keycloak-error.js";
import { StackError } from "./stack-error.js";

/** A port nothing listens on right now on loopback (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * Fails with `port_in_use` (a KeycloakError carrying the port: the Keycloak tier's processes are its
 * callers) when something already listens on the port (on any address), so a second stack gets a clear
 * message instead of a Keycloak or PostgreSQL that never becomes ready.
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

/**
 * Turns EADDRINUSE (or a part's own `port_in_use`) for `port` into a StackError that names the part, the
 * port and the variable to change it. An error about another port (Keycloak's management port, say)
 * is returned as it is: it names its own port and variable.
 */
export function portInUse(error: unknown, what: string, port: number, envVar: string): unknown {
  const { code, port: failedPort } = (error ?? {}) as { code?: string; port?: number };
  if (code !== "EADDRINUSE" && code !== "EACCES" && code !== "port_in_use") return error;
  if (failedPort !== undefined && failedPort !== port) return error;
  return new StackError(
    "port_in_use",
    `port ${port} for the ${what} is already in use. Stop what uses it (another 'npm start'?) or choose another port: ${envVar}=<port> npm start`,
    { cause: error },
  );
}
