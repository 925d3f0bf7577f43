import { describe, expect, it } from "vitest";
import { createPkce, pkceChallenge } from "../../src/oidc/pkce.js";

describe("PKCE", () => {
  it("derives the S256 challenge as in RFC 7636 appendix B", () => {
    expect(pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("makes a fresh 43-character verifier each time", () => {
    const a = createPkce();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createPkce().verifier).not.toBe(a.verifier);
  });
});
