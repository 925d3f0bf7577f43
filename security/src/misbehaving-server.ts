import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface MisbehavingServer {
  url: string;
  /** How many requests reached it. */
  readonly requests: number;
  close(): Promise<void>;
}

/**
 * A loopback upstream that fails the way real ones do: `respond` writes the answer (or never does, to
 * hold the connection past every deadline).
 */
export async function startMisbehavingServer(
  respond: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<MisbehavingServer> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on("end", () => respond(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nobody listens on (a listener opened and closed again): connection refused. */
export async function closedPortUrl(): Promise<string> {
  const server = await startMisbehavingServer((_req, res) => res.end());
  await server.close();
  return server.url;
}
