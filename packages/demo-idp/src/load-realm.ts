import { readFileSync } from "node:fs";
import { ConfigError } from "@static-sso/shared";

/** A demo user as stack/realm/demo.json defines it. */
export interface RealmUser {
  username: string;
  password: string;
  email: string;
  firstName?: string;
  lastName?: string;
  roles: string[];
}

/** The confidential client of the site, as stack/realm/demo.json defines it. */
export interface RealmClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

export interface Realm {
  realm: string;
  client: RealmClient;
  roles: string[];
  users: RealmUser[];
}

function need(condition: unknown, file: string, field: string, what: string): asserts condition {
  if (!condition) throw new ConfigError(field, `${what} (in ${file})`);
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

/** Reads and checks the realm file (the one definition of the demo realm); fails naming the bad field. */
export function loadRealm(file: string): Realm {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new ConfigError("realmFile", `cannot be read: ${file}`, { cause });
  }
  const r = raw as Partial<Realm> & { client?: Partial<RealmClient> };
  need(
    typeof r.realm === "string" && /^[a-zA-Z0-9_-]+$/.test(r.realm),
    file,
    "realm",
    "must be a realm name",
  );
  need(r.client && typeof r.client === "object", file, "client", "is missing");
  need(typeof r.client.clientId === "string" && r.client.clientId, file, "client.clientId", "is missing");
  need(typeof r.client.clientSecret === "string", file, "client.clientSecret", "is missing");
  need(isStringList(r.client.redirectUris), file, "client.redirectUris", "must be a list of URLs");
  need(
    isStringList(r.client.postLogoutRedirectUris),
    file,
    "client.postLogoutRedirectUris",
    "must be a list of URLs",
  );
  need(isStringList(r.roles), file, "roles", "must be a list of role names");
  need(Array.isArray(r.users) && r.users.length > 0, file, "users", "must list at least one user");
  r.users.forEach((u, i) => {
    need(typeof u.username === "string" && u.username, file, `users[${i}].username`, "is missing");
    need(typeof u.password === "string" && u.password, file, `users[${i}].password`, "is missing");
    need(typeof u.email === "string", file, `users[${i}].email`, "is missing");
    need(isStringList(u.roles), file, `users[${i}].roles`, "must be a list of role names");
  });
  return {
    realm: r.realm,
    client: {
      clientId: r.client.clientId,
      clientSecret: r.client.clientSecret,
      redirectUris: r.client.redirectUris,
      postLogoutRedirectUris: r.client.postLogoutRedirectUris,
    },
    roles: r.roles,
    users: r.users,
  };
}
