import { createTestKey, signToken, type TestKey } from "@static-sso/testing";
import { decodeProtectedHeader } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createHeaderDecoder } from "../src/decode-header.js";

let key: TestKey;
beforeAll(async () => {
  key = await createTestKey("ES256");
});

/** What jose throws for `token`, or "no error". */
function joseThrows(token: string): unknown {
  try {
    decodeProtectedHeader(token);
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  return "no error";
}

describe("createHeaderDecoder", () => {
  it("answers what jose's decodeProtectedHeader answers", async () => {
    const token = await signToken(key, { sub: "a" });
    expect(createHeaderDecoder()(token)).toEqual(decodeProtectedHeader(token));
  });

  it("answers a second token with the same header from memory, frozen", async () => {
    const decode = createHeaderDecoder();
    const first = decode(await signToken(key, { sub: "a" }));
    const second = decode(await signToken(key, { sub: "b" }));
    expect(second).toBe(first);
    expect(Object.isFrozen(second)).toBe(true);
  });

  it("keeps tokens with different headers apart", async () => {
    const decode = createHeaderDecoder();
    const other = await createTestKey("ES256");
    const a = decode(await signToken(key, { sub: "a" }));
    const b = decode(await signToken(other, { sub: "a" }));
    expect(a.kid).toBe(key.kid);
    expect(b.kid).toBe(other.kid);
  });

  it("throws what jose throws for malformed tokens, remembered header or not", async () => {
    const decode = createHeaderDecoder();
    const good = await signToken(key, { sub: "a" });
    decode(good);
    const [head] = good.split(".");
    // `${head}e30` starts like the remembered header: it must not be answered from memory.
    const longer = [`${head}e30.x.y`, `${head?.slice(0, -1)}.x.y`];
    for (const bad of [
      "",
      "abc",
      `${head}.x`,
      `${head}.x.y.z`,
      "!!!.x.y",
      ".x.y",
      "e30.x.y",
      "bnVsbA.x.y",
      ...longer,
    ]) {
      let thrown: unknown = "no error";
      try {
        decode(bad);
      } catch (error) {
        thrown = { name: (error as Error).name, message: (error as Error).message };
      }
      expect(thrown, bad).toEqual(joseThrows(bad));
    }
  });

  it("answers tokens that take turns between two headers, each with its own", async () => {
    const decode = createHeaderDecoder();
    const other = await createTestKey("ES256");
    const tokens = [key, other, key, key, other].map((k, i) => signToken(k, { sub: `u${i}` }));
    const kids = [];
    for (const token of await Promise.all(tokens)) kids.push(decode(token).kid);
    expect(kids).toEqual([key.kid, other.kid, key.kid, key.kid, other.kid]);
  });

  it("remembers no more headers than its size and still answers evicted ones", async () => {
    const decode = createHeaderDecoder(1);
    const other = await createTestKey("ES256");
    const a1 = decode(await signToken(key, { sub: "a" }));
    decode(await signToken(other, { sub: "a" }));
    const a2 = decode(await signToken(key, { sub: "b" }));
    expect(a2).not.toBe(a1);
    expect(a2).toEqual(a1);
  });
});
