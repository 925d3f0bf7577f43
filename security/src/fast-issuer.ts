import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { signToken, type TestKey } from "@static-sso/testing";

/** The tokens a token endpoint answers with (RFC 6749 §5.1, OIDC Core §3.1.3.3). */
export interface IssuedTokens {
  access_token?: string;
  id_token?: string;
  refresh_token?: string;
  token_type?: string;
  expires_in?: number;
}

/** One grant as the token endpoint received it. */
export interface Grant {
  type: "authorization_code" | "refresh_token";
  /** The nonce of the authorization request this code came from (authorization_code only). */
  nonce?: string;
}

/**
 * How the token endpoint answers a grant: these tokens (200 JSON), a raw answer, no answer at all
 * (`hang`, past every deadline), or the connection reset before any answer (`reset`).
 */
export type GrantAnswer =
  | { tokens: IssuedTokens }
  | { status: number; contentType: string; body: string }
  | "hang"
  | "reset";

/** `good`: what the issuer would really answer (its own good tokens for alice, the right nonce). */
export type GrantPolicy = (grant: Grant, good: IssuedTokens) => GrantAnswer | Promise<GrantAnswer>;

/**
 * An issuer on loopback with the endpoints a whole login needs, over real HTTP with one real key:
 * discovery, JWKS, an authorization endpoint that approves at once (the user already signed in: a 302
 * back with a code), and a token endpoint that checks the code, its redirect URI and PKCE verifier
 * (or takes any refresh token) and answers what the test's policy chooses. The embedded IdP cannot be
 * made to return a hostile token; this one can, and everything around that token stays genuine.
 */
export interface TokenIssuer {
  /** `http://127.0.0.1:<port>/realms/test`. */
  issuer: string;
  /** The token endpoint answers by this policy from now on; undefined: the good tokens. */
  answerGrants(policy?: GrantPolicy): void;
  /** The grants the token endpoint received, in order (bad codes and verifiers are refused first). */
  readonly grants: readonly Grant[];
  close(): Promise<void>;
}

const CODE_TTL_MS = 60_000;

export async function startTokenIssuer(key: TestKey, clientId: string): Promise<TokenIssuer> {
  let base = "";
  let policy: GrantPolicy | undefined;
  const grants: Grant[] = [];
  const codes = new Map<string, { nonce: string; challenge: string; redirectUri: string; at: number }>();
  const issuer = () => `${base}/realms/test`;

  const good = async (nonce?: string): Promise<IssuedTokens> => {
    const common = { iss: issuer(), aud: clientId, azp: clientId, sub: "alice-id" };
    return {
      access_token: await signToken(key, {
        ...common,
        typ: "Bearer",
        preferred_username: "alice",
        realm_access: { roles: ["staff"] },
      }),
      ...(nonce ? { id_token: await signToken(key, { ...common, typ: "ID", nonce }) } : {}),
      refresh_token: `rt-${randomBytes(16).toString("base64url")}`,
      token_type: "Bearer",
      expires_in: 300,
    };
  };

  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

  /** RFC 6749 §5.2 error, as a real token endpoint says no. */
  const refuse = (res: ServerResponse, error: string) => json(res, 400, { error });

  async function token(form: URLSearchParams, res: ServerResponse, req: IncomingMessage) {
    const type = form.get("grant_type");
    let grant: Grant;
    // A code is used up once answered; a reset or a hang never reached the IdP's logic (a proxy in front).
    let consume = () => {};
    if (type === "authorization_code") {
      const code = codes.get(form.get("code") ?? "");
      const verifier = form.get("code_verifier") ?? "";
      const challenge = createHash("sha256").update(verifier).digest("base64url");
      if (!code || Date.now() - code.at > CODE_TTL_MS) return refuse(res, "invalid_grant");
      if (code.redirectUri !== form.get("redirect_uri") || code.challenge !== challenge)
        return refuse(res, "invalid_grant");
      grant = { type, nonce: code.nonce };
      consume = () => codes.delete(form.get("code") ?? "");
    } else if (type === "refresh_token" && form.get("refresh_token")) {
      grant = { type };
    } else return refuse(res, "unsupported_grant_type");
    grants.push(grant);
    const answer = policy
      ? await policy(grant, await good(grant.nonce))
      : { tokens: await good(grant.nonce) };
    if (answer === "hang") return; // held open until the client gives up
    if (answer === "reset") return req.socket.destroy();
    consume();
    if ("tokens" in answer) return json(res, 200, answer.tokens);
    res.writeHead(answer.status, { "content-type": answer.contentType }).end(answer.body);
  }

  function authorize(url: URL, res: ServerResponse) {
    const q = url.searchParams;
    const redirectUri = q.get("redirect_uri") ?? "";
    const nonce = q.get("nonce") ?? "";
    const challenge = q.get("code_challenge") ?? "";
    if (
      q.get("client_id") !== clientId ||
      !redirectUri ||
      !nonce ||
      q.get("code_challenge_method") !== "S256"
    )
      return json(res, 400, { error: "invalid_request" });
    const code = randomBytes(16).toString("base64url");
    codes.set(code, { nonce, challenge, redirectUri, at: Date.now() });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    back.searchParams.set("state", q.get("state") ?? "");
    res.writeHead(302, { location: back.href }).end();
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", base);
      const path = url.pathname.replace(/^\/realms\/test/, "");
      if (path === "/.well-known/openid-configuration")
        return json(res, 200, {
          issuer: issuer(),
          authorization_endpoint: `${issuer()}/protocol/openid-connect/auth`,
          token_endpoint: `${issuer()}/protocol/openid-connect/token`,
          jwks_uri: `${issuer()}/protocol/openid-connect/certs`,
          end_session_endpoint: `${issuer()}/protocol/openid-connect/logout`,
        });
      if (path === "/protocol/openid-connect/certs") return json(res, 200, { keys: [key.publicJwk] });
      if (path === "/protocol/openid-connect/auth") return authorize(url, res);
      if (path === "/protocol/openid-connect/token" && req.method === "POST")
        return void token(new URLSearchParams(Buffer.concat(chunks).toString("utf8")), res, req).catch(() =>
          res.writeHead(500).end(),
        );
      json(res, 404, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer: issuer(),
    answerGrants: (p) => {
      policy = p;
    },
    grants,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
