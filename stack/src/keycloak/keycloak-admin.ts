import { KeycloakError } from "./keycloak-error.js";

export interface KeycloakAdmin {
  /** Calls the admin REST API (`/admin/realms/...`) with a fresh-enough admin token; JSON in and out. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

/**
 * A minimal client for Keycloak's admin REST API, logged in as the bootstrap admin of the master
 * realm through admin-cli. Written by hand: it needs four calls, and the official admin client
 * package pulls in a large dependency tree.
 */
export function createKeycloakAdmin(options: { url: string; user: string; password: string }): KeycloakAdmin {
  let cached: { token: string; expiresAt: number } | undefined;

  const token = async (): Promise<string> => {
    if (cached && cached.expiresAt > Date.now() + 10_000) return cached.token;
    const response = await fetch(`${options.url}/realms/master/protocol/openid-connect/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "password",
        client_id: "admin-cli",
        username: options.user,
        password: options.password,
      }),
    });
    if (!response.ok) {
      throw new KeycloakError("keycloak_admin_failed", `admin login failed: HTTP ${response.status}`);
    }
    const body = (await response.json()) as { access_token: string; expires_in: number };
    cached = { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
    return cached.token;
  };

  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${options.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await token()}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) {
        const text = await response.text();
        throw new KeycloakError(
          "keycloak_admin_failed",
          `${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`,
        );
      }
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}
