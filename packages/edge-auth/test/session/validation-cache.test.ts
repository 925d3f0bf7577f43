import { describe, expect, it } from "vitest";
import { createValidationCache } from "../../src/session/validation-cache.js";

describe("validation cache", () => {
  it("forgets an entry at its expiry", () => {
    let now = 1000;
    const cache = createValidationCache({ now: () => now });
    cache.set("token-a", { claims: { sub: "a" }, expiresAt: 2000 });
    expect(cache.get("token-a")?.claims).toEqual({ sub: "a" });
    now = 2000;
    expect(cache.get("token-a")).toBeUndefined();
  });

  it("does not store an answer that has already expired", () => {
    const cache = createValidationCache({ now: () => 5000 });
    cache.set("token-a", { claims: {}, expiresAt: 5000 });
    expect(cache.size).toBe(0);
  });

  it("drops the least recently used entry when full", () => {
    const cache = createValidationCache({ maxEntries: 2, now: () => 0 });
    cache.set("a", { claims: {}, expiresAt: 10 });
    cache.set("b", { claims: {}, expiresAt: 10 });
    cache.get("a");
    cache.set("c", { claims: {}, expiresAt: 10 });
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBeDefined();
    expect(cache.get("c")).toBeDefined();
  });
});
