import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./keycloak-install.js";

/** stack/realm/demo.json: the one definition of the demo realm. */
export interface DemoRealm {
  realm: string;
  client: {
    clientId: string;
    clientSecret: string;
    redirectUris: string[];
    postLogoutRedirectUris: string[];
    pkce: string;
    audienceMapper: boolean;
  };
  roles: string[];
  users: Array<{
    username: string;
    password: string;
    email: string;
    firstName: string;
    lastName: string;
    roles: string[];
  }>;
}

export const demoRealmPath = join(repoRoot, "stack", "realm", "demo.json");

export function readDemoRealm(path = demoRealmPath): DemoRealm {
  return JSON.parse(readFileSync(path, "utf8")) as DemoRealm;
}

export interface RealmImportOptions {
  /** Where the site runs; the redirect and post-logout URIs in demo.json are moved to it. */
  siteUrl?: string;
  /** Realm setting: a refresh token can be used once; each refresh returns a new one. */
  revokeRefreshToken?: boolean;
  /** Access token lifetime; default 300 s (Keycloak's). Short ones let tests see a refresh. */
  accessTokenLifespanSeconds?: number;
  /** Also the clients only the tests use (`no-audience`); `npm start`'s realm leaves them out. */
  testClients?: boolean;
}

/** Id of the second client (tests only): same realm, no audience mapper; its tokens must be refused. */
export const noAudienceClientId = "no-audience";
export const noAudienceClientSecret = "no-audience-local-secret";

/**
 * Keycloak's RealmRepresentation for the demo realm, generated from demo.json so that the embedded
 * IdP, this import and terraform/modules/keycloak-realm cannot drift (test/realm-drift.test.ts).
 */
export function buildRealmImport(demo: DemoRealm, options: RealmImportOptions = {}): Record<string, unknown> {
  const { client } = demo;
  const moveToSite = (uri: string) =>
    options.siteUrl ? new URL(new URL(uri).pathname, options.siteUrl).href : uri;
  return {
    realm: demo.realm,
    enabled: true,
    sslRequired: "external",
    registrationAllowed: false,
    revokeRefreshToken: options.revokeRefreshToken ?? false,
    refreshTokenMaxReuse: 0,
    accessTokenLifespan: options.accessTokenLifespanSeconds ?? 300,
    roles: { realm: demo.roles.map((name) => ({ name })) },
    clients: [
      {
        clientId: client.clientId,
        name: "Static site behind the edge function",
        enabled: true,
        protocol: "openid-connect",
        publicClient: false,
        clientAuthenticatorType: "client-secret",
        secret: client.clientSecret,
        // Standard flow (authorization code) only.
        standardFlowEnabled: true,
        implicitFlowEnabled: false,
        directAccessGrantsEnabled: false,
        serviceAccountsEnabled: false,
        frontchannelLogout: true,
        redirectUris: client.redirectUris.map(moveToSite),
        webOrigins: [],
        attributes: {
          "pkce.code.challenge.method": client.pkce,
          // Keycloak keeps several post-logout URIs in one attribute, separated by "##". With a
          // valid id_token_hint and one of these URIs, Keycloak 26 logs out without a confirmation page.
          "post.logout.redirect.uris": client.postLogoutRedirectUris.map(moveToSite).join("##"),
          "frontchannel.logout.session.required": "true",
        },
        protocolMappers: client.audienceMapper ? [audienceMapper(client.clientId)] : [],
      },
      ...(options.testClients ? [noAudienceClient()] : []),
    ],
    users: demo.users.map((u) => ({
      username: u.username,
      enabled: true,
      email: u.email,
      emailVerified: true,
      firstName: u.firstName,
      lastName: u.lastName,
      credentials: [{ type: "password", value: u.password, temporary: false }],
      realmRoles: [`default-roles-${demo.realm}`, ...u.roles],
      requiredActions: [],
    })),
  };
}

/** A second client without the audience mapper, allowed the password grant: the audience test's. */
function noAudienceClient(): Record<string, unknown> {
  return {
    clientId: noAudienceClientId,
    name: "Second client without the audience mapper (tests only)",
    enabled: true,
    protocol: "openid-connect",
    publicClient: false,
    secret: noAudienceClientSecret,
    standardFlowEnabled: false,
    directAccessGrantsEnabled: true,
    redirectUris: [],
    protocolMappers: [],
  };
}

/** Puts the client id into the access token's `aud`, which Keycloak does not do by default. */
export function audienceMapper(clientId: string): Record<string, unknown> {
  return {
    name: "audience",
    protocol: "openid-connect",
    protocolMapper: "oidc-audience-mapper",
    consentRequired: false,
    config: {
      "included.client.audience": clientId,
      "access.token.claim": "true",
      "id.token.claim": "false",
      "introspection.token.claim": "true",
    },
  };
}
