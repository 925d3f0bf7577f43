import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createLru } from "../src/lru.js";

describe("createLru", () => {
  it("returns what was set under a key and undefined for a key never set", () => {
    const lru = createLru<string, number>({ maxEntries: 2 });
    lru.set("a", 1);
    expect(lru.get("a")).toBe(1);
    expect(lru.get("b")).toBeUndefined();
  });

  it("evicts the least recently set entry once past maxEntries", () => {
    const lru = createLru<string, number>({ maxEntries: 2 });
    lru.set("a", 1);
    lru.set("b", 2);
    lru.set("c", 3);
    expect(lru.size).toBe(2);
    expect(lru.get("a")).toBeUndefined();
    expect(lru.get("b")).toBe(2);
    expect(lru.get("c")).toBe(3);
  });

  it("keeps an entry that was read recently and evicts the older one instead", () => {
    const lru = createLru<string, number>({ maxEntries: 2 });
    lru.set("a", 1);
    lru.set("b", 2);
    lru.get("a");
    lru.set("c", 3);
    expect(lru.get("a")).toBe(1);
    expect(lru.get("b")).toBeUndefined();
  });

  it("does not count a peek as a use", () => {
    const lru = createLru<string, number>({ maxEntries: 2 });
    lru.set("a", 1);
    lru.set("b", 2);
    expect(lru.peek("a")).toBe(1);
    lru.set("c", 3);
    expect(lru.peek("a")).toBeUndefined();
  });

  it("replaces the value of a key set twice and counts it once", () => {
    const lru = createLru<string, number>({ maxEntries: 2 });
    lru.set("a", 1);
    lru.set("a", 2);
    expect(lru.size).toBe(1);
    expect(lru.get("a")).toBe(2);
  });

  it("deletes a key and says whether it was there", () => {
    const lru = createLru<string, number>({ maxEntries: 2 });
    lru.set("a", 1);
    expect(lru.delete("a")).toBe(true);
    expect(lru.delete("a")).toBe(false);
    expect(lru.get("a")).toBeUndefined();
    expect(lru.size).toBe(0);
  });

  it("drops an entry at its expiresAt, by the injected clock", () => {
    let now = 1_000;
    const lru = createLru<string, number>({ maxEntries: 2, now: () => now });
    lru.set("a", 1, 2_000);
    now = 1_999;
    expect(lru.get("a")).toBe(1);
    now = 2_000;
    expect(lru.get("a")).toBeUndefined();
    expect(lru.size).toBe(0);
  });

  it("stores nothing for an expiresAt already past, and drops what the key held", () => {
    const now = 5_000;
    const lru = createLru<string, number>({ maxEntries: 2, now: () => now });
    lru.set("a", 1);
    lru.set("a", 2, 4_000);
    expect(lru.get("a")).toBeUndefined();
    expect(lru.size).toBe(0);
  });

  it("keeps an entry without expiresAt whatever the clock says", () => {
    let now = 0;
    const lru = createLru<string, number>({ maxEntries: 2, now: () => now });
    lru.set("a", 1);
    now = Number.MAX_SAFE_INTEGER;
    expect(lru.get("a")).toBe(1);
  });

  it("lists the live values, least recently used first", () => {
    let now = 0;
    const lru = createLru<string, number>({ maxEntries: 3, now: () => now });
    lru.set("a", 1);
    lru.set("b", 2, 10);
    lru.set("c", 3);
    lru.get("a");
    now = 10;
    expect(lru.values()).toEqual([3, 1]);
  });

  it("empties on clear", () => {
    const lru = createLru<string, number>({ maxEntries: 2 });
    lru.set("a", 1);
    lru.clear();
    expect(lru.size).toBe(0);
    expect(lru.get("a")).toBeUndefined();
  });

  it("refuses a bound that would keep nothing or grow without limit", () => {
    expect(() => createLru({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => createLru({ maxEntries: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });

  it("agrees with a plain list model over any sequence of gets, peeks, sets and deletes", () => {
    type Op = { kind: "get" | "peek" | "set" | "delete"; key: number; value: number };
    const op = fc.record({
      kind: fc.constantFrom("get", "peek", "set", "delete"),
      key: fc.integer({ min: 0, max: 4 }),
      value: fc.integer(),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 60 }), (max, ops: Op[]) => {
        const lru = createLru<number, number>({ maxEntries: max });
        let model: Array<[number, number]> = []; // least recently used first
        for (const { kind, key, value } of ops) {
          const at = model.findIndex(([k]) => k === key);
          if (kind === "set") {
            if (at !== -1) model.splice(at, 1);
            model.push([key, value]);
            if (model.length > max) model = model.slice(model.length - max);
            lru.set(key, value);
          } else if (kind === "delete") {
            expect(lru.delete(key)).toBe(at !== -1);
            if (at !== -1) model.splice(at, 1);
          } else {
            const entry = at === -1 ? undefined : model[at];
            if (kind === "get" && entry) model.push(...model.splice(at, 1));
            expect(kind === "get" ? lru.get(key) : lru.peek(key)).toBe(entry?.[1]);
          }
          expect(lru.values()).toEqual(model.map(([, v]) => v));
        }
      }),
    );
  });
});
