import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { JWK } from "jose";

export type FakeIssuerMode = "up" | "down" | "slow" | "garbage";

export interface FakeIssuer {
  /** The issuer URL (`http://127.0.0.1:<port>/realms/test`), with discovery and JWKS under it. */
  issuer: string;
  /** Where the JWKS is published now (the discovery document names it; see moveJwks). */
  readonly jwksUri: string;
  /** Replace the published keys (key rotation on the IdP side). */
  setKeys(keys: JWK[]): void;
  /** `down`: connection refused-like 503s; `slow`: never answers; `garbage`: 200 with non-JSON. */
  setMode(mode: FakeIssuerMode): void;
  /**
   * The JWKS document alone behaves this way (`missing`: 404) while discovery keeps answering; applies
   * when setMode is `up`. Default `up`.
   */
  setJwksMode(mode: FakeIssuerMode | "missing"): void;
  /** Every answer (discovery and JWKS) waits this many milliseconds first. Default 0. */
  setLatency(ms: number): void;
  /** Publish the JWKS at another path under the issuer; the old path answers 404 and discovery names the new. */
  moveJwks(path: string): void;
  /** How many times the JWKS document was fetched. */
  readonly jwksHits: number;
  /** How many times the discovery document was fetched. */
  readonly discoveryHits: number;
  close(): Promise<void>;
}

/**
 * A minimal issuer on loopback that serves a discovery document and a JWKS over real HTTP, with knobs for
 * rotation and failure. For verifying tokens only; the full login flow uses the embedded IdP.
 */
export async function startFakeIssuer(initialKeys: JWK[] = []): Promise<FakeIssuer> {
  let keys = initialKeys;
  let mode: FakeIssuerMode = "up";
  let jwksMode: FakeIssuerMode | "missing" = "up";
  let latencyMs = 0;
  let jwksPath = "/protocol/openid-connect/certs";
  let jwksHits = 0;
  let discoveryHits = 0;
  let base = "";
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    if (mode === "slow") return; // hold the connection until the client gives up
    if (mode === "down") {
      res.writeHead(503).end();
      return;
    }
    const issuer = `${base}/realms/test`;
    res.setHeader("content-type", "application/json");
    if (mode === "garbage") return res.end("<html>oops</html>");
    if (req.url === "/realms/test/.well-known/openid-configuration") {
      discoveryHits++;
      return res.end(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
          token_endpoint: `${issuer}/protocol/openid-connect/token`,
          jwks_uri: `${issuer}${jwksPath}`,
          end_session_endpoint: `${issuer}/protocol/openid-connect/logout`,
        }),
      );
    }
    if (req.url === `/realms/test${jwksPath}`) {
      jwksHits++;
      if (jwksMode === "slow") return;
      if (jwksMode === "down") return res.writeHead(503).end();
      if (jwksMode === "missing") return res.writeHead(404).end("{}");
      if (jwksMode === "garbage") return res.end("<html>oops</html>");
      return res.end(JSON.stringify({ keys }));
    }
    res.writeHead(404).end("{}");
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (latencyMs > 0) setTimeout(() => answer(req, res), latencyMs);
    else answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer: `${base}/realms/test`,
    get jwksUri() {
      return `${base}/realms/test${jwksPath}`;
    },
    setKeys: (k) => {
      keys = k;
    },
    setMode: (m) => {
      mode = m;
    },
    setJwksMode: (m) => {
      jwksMode = m;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    moveJwks: (path) => {
      jwksPath = path;
    },
    get jwksHits() {
      return jwksHits;
    },
    get discoveryHits() {
      return discoveryHits;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
