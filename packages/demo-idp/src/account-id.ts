import { createHash } from "node:crypto";

/**
 * A stable, UUID-shaped subject for a user, as Keycloak's `sub` is a UUID: the same user keeps the same
 * subject across restarts, without a user database.
 */
export function accountIdFor(realm: string, username: string): string {
  const h = createHash("sha256").update(`${realm}\u0000${username}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
