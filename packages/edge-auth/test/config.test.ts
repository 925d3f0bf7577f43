import { describe, expect, it } from "vitest";
import { parseConfig, parseConfigText } from "../src/config.js";

const minimal = {
  issuer: "https://idp.example.com/realms/demo",
  clientId: "static-site",
  validateUrl: "https://api.example.com/validate",
};

function fieldOf(fn: () => unknown): { code?: string; field?: string } {
  try {
    fn();
  } catch (e) {
    return e as { code?: string; field?: string };
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("applies the contract's defaults", () => {
    expect(parseConfig(minimal)).toMatchObject({
      issuer: "https://idp.example.com/realms/demo",
      scopes: ["openid", "profile", "email"],
      callbackPath: "/_auth/callback",
      logoutPath: "/_auth/logout",
      publicPaths: [],
      cookiePrefix: "sso",
      directoryIndex: "index.html",
    });
  });

  it("keeps the issuer exactly as given, a trailing slash included (it must equal the IdP's)", () => {
    expect(parseConfig({ ...minimal, issuer: "https://tenant.idp.example/" }).issuer).toBe(
      "https://tenant.idp.example/",
    );
  });

  it("accepts scopes as a space-separated string", () => {
    expect(parseConfig({ ...minimal, scopes: "openid email" }).scopes).toEqual(["openid", "email"]);
  });

  it.each([
    [{ ...minimal, issuer: undefined }, "issuer"],
    [{ ...minimal, clientId: "" }, "clientId"],
    [{ ...minimal, validateUrl: "http://api.example.com/validate" }, "validateUrl"],
    [{ ...minimal, scopes: ["profile"] }, "scopes"],
    [{ ...minimal, cookiePrefix: "a;b" }, "cookiePrefix"],
    [{ ...minimal, callbackPath: "//x" }, "callbackPath"],
    [{ ...minimal, publicPaths: "/public/*" }, "publicPaths"],
    [{ ...minimal, requiredRoles: { "/staff/*": "staff" } }, 'requiredRoles["/staff/*"]'],
    [{ ...minimal, postLogoutRedirectUri: "javascript:alert(1)" }, "postLogoutRedirectUri"],
    [{ ...minimal, directoryIndex: "../index.html" }, "directoryIndex"],
  ])("names the field that is wrong (%#)", (raw, field) => {
    expect(fieldOf(() => parseConfig(raw))).toMatchObject({ code: "config_invalid", field });
  });

  it("allows plain http only on loopback", () => {
    expect(parseConfig({ ...minimal, validateUrl: "http://127.0.0.1:3001/validate" }).validateUrl).toBe(
      "http://127.0.0.1:3001/validate",
    );
  });

  it("reports text that is not JSON as a config error", () => {
    expect(fieldOf(() => parseConfigText("{"))).toMatchObject({ code: "config_invalid", field: "(root)" });
  });

  it("gives the same config when parsed twice", () => {
    const once = parseConfig({ ...minimal, requiredRoles: ["staff"], publicPaths: ["/public/*"] });
    expect(parseConfig(once)).toEqual(once);
  });
});
