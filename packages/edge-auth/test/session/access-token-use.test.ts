import { describe, expect, it } from "vitest";
import { isUsableAccessToken } from "../../src/session/access-token-use.js";

describe("isUsableAccessToken", () => {
  it("accepts a Keycloak access token issued to this client", () => {
    expect(isUsableAccessToken({ typ: "Bearer", azp: "static-site" }, "static-site")).toBe(true);
  });

  it("accepts a token that names neither azp nor typ (aud was checked by the validation API)", () => {
    expect(isUsableAccessToken({ sub: "a" }, "static-site")).toBe(true);
  });

  it("refuses a token issued to another client", () => {
    expect(isUsableAccessToken({ azp: "another-client", aud: ["static-site"] }, "static-site")).toBe(false);
  });

  it("refuses an ID token", () => {
    expect(isUsableAccessToken({ typ: "ID", azp: "static-site" }, "static-site")).toBe(false);
  });

  it("refuses an ID token from an IdP that does not set typ, by its nonce or at_hash", () => {
    expect(isUsableAccessToken({ nonce: "n", aud: "static-site" }, "static-site")).toBe(false);
    expect(isUsableAccessToken({ at_hash: "h", aud: "static-site" }, "static-site")).toBe(false);
  });
});
