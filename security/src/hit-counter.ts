import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface HitCounter {
  url: string;
  /** Every request it was sent (method and path). */
  readonly hits: string[];
  close(): Promise<void>;
}

/**
 * A loopback server an attacker would point `jku` or `x5u` at: it serves a key set and records every
 * request, so a test can prove nobody fetched it.
 */
export async function startHitCounter(body: unknown = { keys: [] }): Promise<HitCounter> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
