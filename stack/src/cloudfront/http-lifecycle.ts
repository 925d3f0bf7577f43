// The server's lifecycle: listen (releasing the loaded bundle if that fails) and stop (closing kept-alive
// connections too, so a test's stop() does not wait for a browser's idle sockets).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ListeningServer {
  port: number;
  stop(): Promise<void>;
}

/** Resolves once listening; on failure calls `dispose` and rejects with the listen error. */
async function listen(server: Server, port: number, host: string, dispose: () => void): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((error) => {
    dispose();
    throw error;
  });
}

function stop(server: Server, dispose: () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((err) => {
      dispose();
      if (err) reject(err);
      else resolve();
    });
    server.closeAllConnections();
  });
}

/**
 * Serves `handle` on host:port. An unexpected failure of a request answers 500 (or ends a response
 * already started) instead of crashing the process; `dispose` runs when the server stops.
 */
export async function serveHttp(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  listenOn: { port: number; host: string },
  dispose: () => void,
): Promise<ListeningServer> {
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await listen(server, listenOn.port, listenOn.host, dispose);
  return { port: (server.address() as AddressInfo).port, stop: () => stop(server, dispose) };
}
