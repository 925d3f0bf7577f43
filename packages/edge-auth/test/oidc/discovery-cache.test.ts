import { startFakeIssuer } from "@static-sso/testing";
import { describe, expect, it } from "vitest";
import { createDiscoveryCache } from "../../src/oidc/discovery-cache.js";

describe("discovery cache", () => {
  it("fetches the document once per container", async () => {
    const issuer = await startFakeIssuer();
    let hits = 0;
    const counting: typeof fetch = (input, init) => {
      hits++;
      return fetch(input, init);
    };
    const cache = createDiscoveryCache(issuer.issuer, { fetch: counting });
    await cache.get(1000);
    const doc = await cache.get(1000);
    expect(doc.token_endpoint).toBe(`${issuer.issuer}/protocol/openid-connect/token`);
    expect(hits).toBe(1);
    await issuer.close();
  });

  it("fails fast during the back-off after a failure, then tries again", async () => {
    const issuer = await startFakeIssuer();
    issuer.setMode("garbage");
    let now = 0;
    const cache = createDiscoveryCache(issuer.issuer, { now: () => now, retryAfterMs: 2000 });
    await expect(cache.get(1000)).rejects.toMatchObject({ code: "upstream_unavailable" });
    issuer.setMode("up");
    await expect(cache.get(1000)).rejects.toMatchObject({ code: "upstream_unavailable" });
    now = 2001;
    await expect(cache.get(1000)).resolves.toMatchObject({ issuer: issuer.issuer });
    await issuer.close();
  });
});
