import { createHash, timingSafeEqual } from "node:crypto";
import type { RealmUser } from "./load-realm.js";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
// Compared against when the user does not exist, so an unknown name costs the same as a wrong password.
const NO_USER = digest("\u0000no-such-user\u0000");

/** The user whose password matches, or undefined. Constant-time in the password and in the user's existence. */
export function checkPassword(users: RealmUser[], username: string, password: string): RealmUser | undefined {
  const user = users.find((u) => u.username === username.trim().toLowerCase());
  const expected = user ? digest(user.password) : NO_USER;
  const ok = timingSafeEqual(expected, digest(password));
  return user && ok ? user : undefined;
}
