import { createHash, timingSafeEqual } from "node:crypto";
import type { RealmUser } from "./load-realm.js";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
// Compared against when the user does not exist, so an unknown name costs the same as a wrong password.
const NO_USER = digest("\u0000no-such-user\u0000");

/**
 * The user whose password matches, or undefined. The name may be the username or the email, as on
 * Keycloak's form. Constant-time in the password and in whether the user exists.
 */
export function checkPassword(users: RealmUser[], username: string, password: string): RealmUser | undefined {
  const name = username.trim().toLowerCase();
  const user = users.find((u) => u.username.toLowerCase() === name || u.email.toLowerCase() === name);
  const expected = user ? digest(user.password) : NO_USER;
  const ok = timingSafeEqual(expected, digest(password));
  return user && ok ? user : undefined;
}
