import { PAGE_LOAD_HEADERS, viewerRequestEvent } from "@static-sso/testing";
import { describe, expect, it } from "vitest";
import { accessRules, parseConfig } from "../src/config.js";
import { readFacts } from "../src/facts.js";
import { isLogoutAllowed } from "../src/logout-guard.js";

const SITE = "https://www.example.com";
const config = parseConfig({
  issuer: "https://idp.example.com/realms/demo",
  clientId: "site",
  validateUrl: "https://api.example.com/validate",
});
const logout = (method: string, headers: Record<string, string>) =>
  readFacts(
    viewerRequestEvent({ uri: "/_auth/logout", method, headers: { ...PAGE_LOAD_HEADERS, ...headers } })
      .Records[0]?.cf.request as Parameters<typeof readFacts>[0],
    config,
    accessRules(config),
  );

describe("isLogoutAllowed", () => {
  it.each(["same-origin", "none", "Same-Origin"])(
    "allows a GET navigation with Sec-Fetch-Site %s",
    (site) => {
      expect(isLogoutAllowed(logout("GET", { "sec-fetch-site": site }), SITE)).toBe(true);
    },
  );

  it.each(["cross-site", "same-site", ""])("refuses a GET with Sec-Fetch-Site %j", (site) => {
    expect(isLogoutAllowed(logout("GET", { "sec-fetch-site": site }), SITE)).toBe(false);
  });

  it("refuses a GET without Fetch Metadata, even with a same-origin Referer (it can be forged or absent)", () => {
    expect(isLogoutAllowed(logout("GET", { referer: `${SITE}/` }), SITE)).toBe(false);
  });

  it("allows a POST from the same origin by Fetch Metadata or by Origin", () => {
    expect(isLogoutAllowed(logout("POST", { "sec-fetch-site": "same-origin" }), SITE)).toBe(true);
    expect(isLogoutAllowed(logout("POST", { origin: SITE }), SITE)).toBe(true);
  });

  it("refuses a POST from elsewhere, with an opaque origin, or with Fetch Metadata saying cross-site", () => {
    expect(isLogoutAllowed(logout("POST", { origin: "https://evil.example" }), SITE)).toBe(false);
    expect(isLogoutAllowed(logout("POST", { origin: "null" }), SITE)).toBe(false);
    expect(isLogoutAllowed(logout("POST", {}), SITE)).toBe(false);
    expect(isLogoutAllowed(logout("POST", { "sec-fetch-site": "cross-site", origin: SITE }), SITE)).toBe(
      false,
    );
    expect(isLogoutAllowed(logout("POST", { "sec-fetch-site": "none" }), SITE)).toBe(false);
  });

  it("refuses other methods", () => {
    expect(isLogoutAllowed(logout("PUT", { "sec-fetch-site": "same-origin" }), SITE)).toBe(false);
  });
});
