import { randomUUID } from "node:crypto";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import { accountIdFor } from "./account-id.js";
import type { IdpStore } from "./idp-store.js";
import { KEYCLOAK_ROUTES, LOGIN_ACTIONS_PATH, LOGOUT_AUTO_CONFIRM_PATH } from "./keycloak-routes.js";
import type { Realm, RealmUser } from "./load-realm.js";
import { profileClaims, SCOPE_CLAIMS } from "./profile-claims.js";
import type { SigningKeys } from "./signing-keys.js";

export interface ProviderOptions {
  issuer: string;
  realm: Realm;
  keys: SigningKeys;
  store: IdpStore;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  accessTokenTtlSeconds: number;
  refreshTokenRotation: boolean;
}

// The one resource server every access token is for. oidc-provider issues JWT access tokens only for a
// resource indicator; the edge never sends one, so this is the default and the token's `aud` is the
// client id, as Keycloak's audience mapper puts it.
const SITE_RESOURCE = "urn:static-sso:site";
const SCOPES = ["openid", "profile", "email", "offline_access"];

const page = (title: string, body: string) =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An oidc-provider configured to look like a Keycloak realm to its clients. */
export function createProvider(o: ProviderOptions): Provider {
  const { realm } = o;
  const users = new Map<string, RealmUser>(
    realm.users.map((u) => [accountIdFor(realm.realm, u.username), u]),
  );
  const mountPath = new URL(o.issuer).pathname;
  const clientId = realm.client.clientId;

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: realm.client.clientSecret,
        redirect_uris: o.redirectUris,
        post_logout_redirect_uris: o.postLogoutRedirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    adapter: o.store.adapter(),
    routes: KEYCLOAK_ROUTES,
    jwks: o.keys.jwks as Configuration["jwks"],
    cookies: { keys: o.keys.cookieKeys },
    scopes: SCOPES,
    claims: {
      // sid, azp and typ are given to ID tokens only (findAccount below), as Keycloak's carry them.
      openid: ["sub", "sid", "azp", "typ"],
      profile: [...SCOPE_CLAIMS.profile],
      email: [...SCOPE_CLAIMS.email],
    },
    // Keycloak puts the scope claims (preferred_username, email) into the ID token too.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // Keycloak issues a refresh token with every code exchange, not only for offline_access.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: () => o.refreshTokenRotation,
    ttl: {
      AccessToken: o.accessTokenTtlSeconds,
      IdToken: o.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      RefreshToken: 30 * 60,
      Interaction: 30 * 60,
      Session: 10 * 60 * 60,
      Grant: 10 * 60 * 60,
    },
    findAccount: async (_ctx, sub, token) => {
      const user = users.get(sub);
      if (!user) return undefined;
      // The code or refresh token the ID token is issued for: its session is Keycloak's `sid`, the same
      // value the access token carries (extraTokenClaims).
      const sid = (token as { sessionUid?: string } | undefined)?.sessionUid;
      return {
        accountId: sub,
        claims: async (use) => ({
          ...profileClaims(sub, user),
          ...(use === "id_token" ? { typ: "ID", azp: clientId, ...(sid ? { sid } : {}) } : {}),
        }),
      };
    },
    extraTokenClaims: async (_ctx, token) => {
      const user = "accountId" in token && token.accountId ? users.get(token.accountId) : undefined;
      if (!user) return undefined;
      return {
        typ: "Bearer",
        azp: clientId,
        // Keycloak's `sid` is its SSO session id; oidc-provider's session uid plays that part.
        sid: (token as { sid?: string }).sid ?? (token as { sessionUid?: string }).sessionUid,
        preferred_username: user.username,
        email: user.email,
        email_verified: true,
        name: profileClaims("", user).name,
        realm_access: { roles: [...user.roles, `default-roles-${realm.realm}`] },
      };
    },
    formats: {
      customizers: {
        // Keycloak's access tokens say `typ: JWT` in the header and carry no `client_id` claim.
        jwt: async (_ctx, _token, jwt) => {
          jwt.header = { typ: "JWT" };
          delete jwt.payload.client_id;
        },
      },
    },
    // The site is a first-party client: consent is granted without asking, as Keycloak does by default.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const client = ctx.oidc.client;
      const session = ctx.oidc.session;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      const grant =
        existing ?? new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      const requested = String(ctx.oidc.params?.scope ?? "openid")
        .split(" ")
        .filter((s) => SCOPES.includes(s))
        .join(" ");
      grant.addOIDCScope(requested);
      grant.addResourceScope(SITE_RESOURCE, requested);
      await grant.save();
      return grant;
    },
    interactions: {
      url: async (_ctx, interaction) => `${mountPath}${LOGIN_ACTIONS_PATH}/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      // Enabled so that discovery names the endpoint; requests to it are answered by userinfo.ts,
      // since oidc-provider's refuses the JWT access tokens (with an audience) that this IdP issues.
      userinfo: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => SITE_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource, client) => {
          if (resource !== SITE_RESOURCE || client.clientId !== clientId) {
            throw new Error(`unknown resource ${resource}`);
          }
          return {
            scope: SCOPES.join(" "),
            audience: clientId,
            accessTokenTTL: o.accessTokenTtlSeconds,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        // Keycloak logs out at once, without a confirmation page, when a valid id_token_hint came
        // with the request. oidc-provider always asks, so a validated hint is sent on to a path of
        // ours that confirms the logout on the user's behalf (see start-demo-idp.ts).
        logoutSource: async (ctx, form) => {
          const secret = ctx.oidc.session?.state?.secret;
          if (ctx.oidc.entities.IdTokenHint && typeof secret === "string") {
            ctx.status = 303;
            ctx.redirect(`${mountPath}${LOGOUT_AUTO_CONFIRM_PATH}?xsrf=${encodeURIComponent(secret)}`);
            return;
          }
          ctx.type = "html";
          ctx.body = page(
            "Do you want to sign out?",
            `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = "html";
          ctx.body = page("You are signed out", "<p>You can close this window.</p>");
        },
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = page(
        "We are sorry...",
        Object.entries(out)
          .map(([k, v]) => `<p><strong>${escapeHtml(k)}</strong>: ${escapeHtml(String(v))}</p>`)
          .join(""),
      );
    },
  };

  const provider = new Provider(o.issuer, configuration);
  // Errors are shown to the user by renderError; keep oidc-provider's own console output quiet.
  provider.on("server_error", (_ctx, err) => {
    console.error(
      JSON.stringify({ level: "error", message: "idp server error", error: err.message, id: randomUUID() }),
    );
  });
  return provider;
}
