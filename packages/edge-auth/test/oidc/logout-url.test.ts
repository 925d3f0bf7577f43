import { describe, expect, it } from "vitest";
import { buildLogoutUrl, MAX_LOGOUT_URL_LENGTH, postLogoutRedirectUri } from "../../src/oidc/logout-url.js";

const site = "https://www.example.com";

describe("postLogoutRedirectUri", () => {
  it("defaults to the site's root", () => {
    expect(postLogoutRedirectUri(site, {})).toBe("https://www.example.com/");
  });

  it("takes a configured path on this site", () => {
    expect(postLogoutRedirectUri(site, { postLogoutRedirectUri: "/bye.html" })).toBe(
      "https://www.example.com/bye.html",
    );
  });

  it("ignores a configured URL on another host", () => {
    expect(postLogoutRedirectUri(site, { postLogoutRedirectUri: "https://evil.example/" })).toBe(
      "https://www.example.com/",
    );
    expect(postLogoutRedirectUri(site, { postLogoutRedirectUri: "//evil.example/" })).toBe(
      "https://www.example.com/",
    );
  });
});

describe("buildLogoutUrl", () => {
  it("carries id_token_hint, client_id and post_logout_redirect_uri", () => {
    const url = new URL(
      buildLogoutUrl("https://idp.example.com/logout?x=1", {
        idTokenHint: "eyJ.a.b",
        clientId: "static-site",
        postLogoutRedirectUri: "https://www.example.com/",
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      x: "1",
      id_token_hint: "eyJ.a.b",
      client_id: "static-site",
      post_logout_redirect_uri: "https://www.example.com/",
    });
  });

  it("leaves out an id_token_hint that would make the URL longer than the IdP takes", () => {
    const url = buildLogoutUrl("https://idp.example.com/logout", {
      idTokenHint: `eyJ.${"a".repeat(MAX_LOGOUT_URL_LENGTH)}.b`,
      clientId: "static-site",
      postLogoutRedirectUri: "https://www.example.com/",
    });
    expect(url.length).toBeLessThanOrEqual(MAX_LOGOUT_URL_LENGTH);
    expect(Object.fromEntries(new URL(url).searchParams)).toEqual({
      client_id: "static-site",
      post_logout_redirect_uri: "https://www.example.com/",
    });
  });
});
