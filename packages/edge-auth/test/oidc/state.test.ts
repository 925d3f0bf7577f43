import { describe, expect, it } from "vitest";
import { createLoginState, decodeStateCookie, encodeStateCookie } from "../../src/oidc/state.js";

describe("login state cookie", () => {
  it("round-trips nonce, verifier and return path", () => {
    const s = createLoginState("/docs/?a=1");
    expect(decodeStateCookie(s.state, encodeStateCookie(s))).toEqual({
      state: s.state,
      nonce: s.nonce,
      verifier: s.verifier,
      returnTo: "/docs/?a=1",
    });
  });

  it("is refused when it is not ours", () => {
    expect(decodeStateCookie("x", "garbage")).toBeUndefined();
    expect(decodeStateCookie("x", undefined)).toBeUndefined();
  });

  it("never carries a return path to another site", () => {
    const s = createLoginState("//evil.example/");
    const forged = Buffer.from(
      JSON.stringify({ n: s.nonce, v: s.verifier, r: "https://evil.example/" }),
    ).toString("base64url");
    expect(decodeStateCookie(s.state, forged)?.returnTo).toBe("/");
    expect(s.returnTo).toBe("/");
  });
});
