import { createServer } from "node:net";
import { StackError } from "./stack-error.js";

/** A port nothing listens on right now on loopback (the OS picks it). */
export function pickFreePort(): Promise<number> {
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
