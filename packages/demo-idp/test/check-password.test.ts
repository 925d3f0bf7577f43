import { describe, expect, it } from "vitest";
import { checkPassword } from "../src/check-password.js";
import type { RealmUser } from "../src/load-realm.js";

const users: RealmUser[] = [
  { username: "alice", password: "alice-password", email: "alice@example.com", roles: ["staff"] },
  { username: "bob", password: "bob-password", email: "bob@example.com", roles: [] },
];

describe("checkPassword", () => {
  it("returns the user whose password matches", () => {
    expect(checkPassword(users, "alice", "alice-password")?.username).toBe("alice");
  });

  it("accepts the email instead of the username, as Keycloak's form does", () => {
    expect(checkPassword(users, "Bob@Example.com", "bob-password")?.username).toBe("bob");
  });

  it("refuses a wrong password", () => {
    expect(checkPassword(users, "alice", "bob-password")).toBeUndefined();
  });

  it("refuses an unknown user", () => {
    expect(checkPassword(users, "mallory", "alice-password")).toBeUndefined();
  });

  it("refuses an empty password", () => {
    expect(checkPassword(users, "alice", "")).toBeUndefined();
  });
});
