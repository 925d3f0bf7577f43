import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { JWK } from "jose";

export interface FakeIssuer {
  /** The issuer URL (`http://127.0.0.1:<port>/realms/test`), with discovery and JWKS under it. */
  issuer: string;
  jwksUri: string;
  /** Replace the published keys (key rotation on the IdP side). */
  setKeys(keys: JWK[]): void;
  /** `down`: connection refused-like 503s; `slow`: never answers; `garbage`: 200 with non-JSON. */
  setMode(mode: "up" | "down" | "slow" | "garbage"): void;
  /** How many times the JWKS document was fetched. */
  readonly jwksHits: number;
  close(): Promise<void>;
}

/**
 * A minimal issuer on loopback that serves a discovery document and a JWKS over real HTTP, with knobs for
 * rotation and failure. For verifying tokens only; the full login flow uses the embedded IdP.
 */
export async function startFakeIssuer(initialKeys: JWK[] = []): Promise<FakeIssuer> {
  let keys = initialKeys;
  let mode: "up" | "down" | "slow" | "garbage" = "up";
  let jwksHits = 0;
  let base = "";
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (mode === "slow") return; // hold the connection until the client gives up
    if (mode === "down") {
      res.writeHead(503).end();
      return;
    }
    const issuer = `${base}/realms/test`;
    res.setHeader("content-type", "application/json");
    if (mode === "garbage") return res.end("<html>oops</html>");
    if (req.url === "/realms/test/.well-known/openid-configuration") {
      return res.end(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
          token_endpoint: `${issuer}/protocol/openid-connect/token`,
          jwks_uri: `${issuer}/protocol/openid-connect/certs`,
          end_session_endpoint: `${issuer}/protocol/openid-connect/logout`,
        }),
      );
    }
    if (req.url === "/realms/test/protocol/openid-connect/certs") {
      jwksHits++;
      return res.end(JSON.stringify({ keys }));
    }
    res.writeHead(404).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer: `${base}/realms/test`,
    jwksUri: `${base}/realms/test/protocol/openid-connect/certs`,
    setKeys: (k) => {
      keys = k;
    },
    setMode: (m) => {
      mode = m;
    },
    get jwksHits() {
      return jwksHits;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
