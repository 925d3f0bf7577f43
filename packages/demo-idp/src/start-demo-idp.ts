import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type Provider from "oidc-provider";
import { accountIdFor } from "./account-id.js";
import { checkPassword } from "./check-password.js";
import { createProvider } from "./create-provider.js";
import { IdpStore } from "./idp-store.js";
import { KEYCLOAK_ROUTES, LOGIN_ACTIONS_PATH, LOGOUT_AUTO_CONFIRM_PATH } from "./keycloak-routes.js";
import { loadRealm, type Realm } from "./load-realm.js";
import { renderLoginPage } from "./render-login-page.js";
import { loadSigningKeys } from "./signing-keys.js";
import { createUserinfoHandler } from "./userinfo.js";

export interface DemoIdpOptions {
  /** 0 (default in tests) picks a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. The issuer always says `localhost`. */
  host?: string;
  /** The realm definition; default stack/realm/demo.json. */
  realmFile?: string;
  /** Where the signing keys and sessions are kept so that restarts keep sessions; without it, memory. */
  dataDir?: string;
  /** Access and ID token lifetime; default 300 s, Keycloak's default. */
  accessTokenTtlSeconds?: number;
  /** Rotate refresh tokens (a used one is refused and revokes the grant); default false, as Keycloak. */
  refreshTokenRotation?: boolean;
  /** Replace the realm file's redirect URIs (a site on another port). */
  redirectUris?: string[];
  /** Replace the realm file's post-logout redirect URIs. */
  postLogoutRedirectUris?: string[];
}

export interface DemoIdp {
  /** `http://localhost:<port>/realms/<realm>` */
  issuer: string;
  /** `http://localhost:<port>` */
  url: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

export const DEFAULT_REALM_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../../stack/realm/demo.json",
);

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) throw new Error("form too large");
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
  });
  res.end(html);
}

/** The login form (GET) and its submission (POST), for an interaction oidc-provider started. */
async function loginAction(
  provider: Provider,
  realm: Realm,
  actionUrl: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let details: Awaited<ReturnType<Provider["interactionDetails"]>>;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    sendHtml(res, 400, "<!DOCTYPE html><title>Expired</title><h1>This sign-in page has expired.</h1>");
    return;
  }
  if (details.prompt.name !== "login") {
    // Consent for the site client is granted by loadExistingGrant; any other prompt just goes on.
    await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
    return;
  }
  if (req.method !== "POST") {
    sendHtml(res, 200, renderLoginPage({ realm: realm.realm, action: actionUrl }));
    return;
  }
  const form = await readForm(req);
  const username = form.get("username") ?? "";
  const user = checkPassword(realm.users, username, form.get("password") ?? "");
  if (!user) {
    sendHtml(
      res,
      200,
      renderLoginPage({
        realm: realm.realm,
        action: actionUrl,
        username,
        error: "Invalid username or password.",
      }),
    );
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: accountIdFor(realm.realm, user.username) } },
    { mergeWithLastSubmission: false },
  );
}

/**
 * Confirms an RP-initiated logout whose id_token_hint oidc-provider has already validated, by posting
 * its confirmation form on the browser's behalf (same cookies) and relaying the answer: the browser
 * sees only redirects, as with Keycloak.
 */
function autoConfirmLogout(
  base: { port: number; mountPath: string },
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const xsrf = new URL(req.url ?? "/", "http://x").searchParams.get("xsrf") ?? "";
  const body = new URLSearchParams({ xsrf, logout: "yes" }).toString();
  const inner = httpRequest(
    {
      host: "127.0.0.1",
      port: base.port,
      method: "POST",
      path: `${base.mountPath}${KEYCLOAK_ROUTES.end_session}/confirm`,
      headers: {
        host: req.headers.host ?? `localhost:${base.port}`,
        cookie: req.headers.cookie ?? "",
        "content-type": "application/x-www-form-urlencoded",
        "content-length": Buffer.byteLength(body),
      },
    },
    (answer) => {
      const headers: Record<string, string | string[]> = {};
      for (const name of ["location", "set-cookie", "content-type", "cache-control"]) {
        const v = answer.headers[name];
        if (v !== undefined) headers[name] = v;
      }
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    },
  );
  inner.on("error", () => sendHtml(res, 502, "<!DOCTYPE html><title>Error</title><h1>Logout failed.</h1>"));
  inner.end(body);
}

/**
 * Starts an OpenID Connect provider laid out like a Keycloak realm: issuer
 * `http://localhost:<port>/realms/<realm>`, Keycloak's endpoint paths, JWT access tokens with
 * Keycloak's claims, refresh tokens, a login form, and RP-initiated logout.
 */
export async function startDemoIdp(options: DemoIdpOptions = {}): Promise<DemoIdp> {
  const realm = loadRealm(options.realmFile ?? DEFAULT_REALM_FILE);
  const keys = loadSigningKeys(options.dataDir);
  const store = new IdpStore(options.dataDir ? join(options.dataDir, "store.json") : undefined);
  const host = options.host ?? "127.0.0.1";

  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  const mountPath = `/realms/${realm.realm}`;
  const issuer = `${url}${mountPath}`;

  const provider = createProvider({
    issuer,
    realm,
    keys,
    store,
    redirectUris: options.redirectUris ?? realm.client.redirectUris,
    postLogoutRedirectUris: options.postLogoutRedirectUris ?? realm.client.postLogoutRedirectUris,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 300,
    refreshTokenRotation: options.refreshTokenRotation ?? false,
  });
  const oidc = provider.callback();
  const userinfo = createUserinfoHandler({ issuer, realm, keys, provider });

  handle = (req, res) => {
    const original = req.url ?? "/";
    const path = original.split("?")[0] ?? "/";
    if (path !== mountPath && !path.startsWith(`${mountPath}/`)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    const inner = original.slice(mountPath.length) || "/";
    const innerPath = inner.split("?")[0] ?? "/";
    const fail = (err: unknown) => {
      console.error(JSON.stringify({ level: "error", message: "idp request failed", error: String(err) }));
      if (!res.headersSent)
        sendHtml(res, 500, "<!DOCTYPE html><title>Error</title><h1>Something went wrong.</h1>");
      else res.end();
    };
    if (innerPath.startsWith(`${LOGIN_ACTIONS_PATH}/`)) {
      loginAction(provider, realm, path, req, res).catch(fail);
      return;
    }
    if (innerPath === KEYCLOAK_ROUTES.userinfo) {
      userinfo(req, res).catch(fail);
      return;
    }
    if (innerPath === LOGOUT_AUTO_CONFIRM_PATH && req.method === "GET") {
      autoConfirmLogout({ port, mountPath }, req, res);
      return;
    }
    // oidc-provider works out its mount path from originalUrl minus url (as under express' app.use).
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
    req.url = inner;
    Promise.resolve(oidc(req, res)).catch(fail);
  };

  return {
    issuer,
    url,
    clientId: realm.client.clientId,
    clientSecret: realm.client.clientSecret,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          store.flush();
          if (err) reject(err);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
