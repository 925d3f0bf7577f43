import { createPublicKey, type JsonWebKey, type KeyObject, verify } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { accountIdFor } from "./account-id.js";
import type { Realm } from "./load-realm.js";
import { profileClaims, SCOPE_CLAIMS } from "./profile-claims.js";
import type { SigningKeys } from "./signing-keys.js";

export interface UserinfoOptions {
  issuer: string;
  realm: Realm;
  keys: SigningKeys;
  provider: Provider;
  /** Seconds since the epoch; default the system clock. */
  now?: () => number;
}

type Answer = { status: number; body: Record<string, unknown>; bearerError?: boolean };

const refuse = (status: number, error: string, description: string): Answer => ({
  status,
  body: { error, error_description: description },
  bearerError: true,
});

/**
 * Keycloak's `/protocol/openid-connect/userinfo` for the access tokens this IdP issues. oidc-provider's
 * own userinfo refuses them: they are JWTs for a resource indicator (an `aud`), which its userinfo
 * does not take. Like Keycloak's, this one checks the token (our own keys, issuer, expiry, `typ:
 * Bearer`, the openid scope) and that its session is still there (a logged-out session's tokens are
 * refused), then answers with the profile and email claims its scopes release.
 */
export function createUserinfoHandler(
  o: UserinfoOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const keys = new Map<string, KeyObject>();
  for (const jwk of o.keys.jwks.keys as Array<JsonWebKey & { kid?: string }>) {
    if (jwk.kid) keys.set(jwk.kid, createPublicKey({ key: jwk, format: "jwk" }));
  }
  const users = new Map(o.realm.users.map((u) => [accountIdFor(o.realm.realm, u.username), u]));
  const now = o.now ?? (() => Math.floor(Date.now() / 1000));

  async function answer(token: string | undefined): Promise<Answer> {
    if (!token) return refuse(401, "invalid_request", "Token not provided");
    const claims = verifiedClaims(token);
    if (!claims) return refuse(401, "invalid_token", "Token verification failed");
    if (claims.iss !== o.issuer || claims.typ !== "Bearer" || typeof claims.exp !== "number") {
      return refuse(401, "invalid_token", "Token verification failed");
    }
    if (claims.exp <= now()) return refuse(401, "invalid_token", "Token verification failed");
    const scopes = new Set(String(claims.scope ?? "").split(" "));
    if (!scopes.has("openid")) return refuse(403, "insufficient_scope", "Missing openid scope");
    const user = typeof claims.sub === "string" ? users.get(claims.sub) : undefined;
    if (!user) return refuse(401, "invalid_token", "User not found");
    const session =
      typeof claims.sid === "string" ? await o.provider.Session.findByUid(claims.sid) : undefined;
    if (!session) {
      return refuse(401, "invalid_token", "User session not found or doesn't have client attached on it");
    }
    const all = profileClaims(claims.sub as string, user) as Record<string, unknown>;
    const body: Record<string, unknown> = { sub: all.sub };
    for (const [scope, names] of Object.entries(SCOPE_CLAIMS)) {
      if (!scopes.has(scope)) continue;
      for (const name of names) if (all[name] !== undefined) body[name] = all[name];
    }
    return { status: 200, body };
  }

  function verifiedClaims(token: string): Record<string, unknown> | undefined {
    const [header, payload, signature, extra] = token.split(".");
    if (!header || !payload || !signature || extra !== undefined) return undefined;
    try {
      const h = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as {
        alg?: string;
        kid?: string;
      };
      const key = h.alg === "RS256" && h.kid ? keys.get(h.kid) : undefined;
      if (!key) return undefined;
      const ok = verify(
        "sha256",
        Buffer.from(`${header}.${payload}`),
        key,
        Buffer.from(signature, "base64url"),
      );
      if (!ok) return undefined;
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown;
      return claims && typeof claims === "object" ? (claims as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "POST") {
      res.writeHead(405, { allow: "GET, POST" }).end();
      return;
    }
    const auth = req.headers.authorization ?? "";
    const bearer = /^Bearer +(\S+)$/i.exec(auth)?.[1];
    const form = req.method === "POST" && !bearer ? await readForm(req) : undefined;
    const result = await answer(bearer ?? form?.get("access_token") ?? undefined);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "cache-control": "no-store",
    };
    if (result.bearerError) {
      const { error, error_description } = result.body as { error: string; error_description: string };
      headers["www-authenticate"] =
        `Bearer realm="${o.realm.realm}", error="${error}", error_description="${error_description}"`;
    }
    res.writeHead(result.status, headers).end(JSON.stringify(result.body));
  };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) break;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
