import { afterEach, describe, expect, it } from "vitest";
import { type FakeIssuer, startFakeIssuer } from "../src/idp-server.js";

let idp: FakeIssuer;
afterEach(() => idp.close());

const discovery = async () =>
  (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };

describe("the fake issuer's knobs", () => {
  it("setJwksMode: the JWKS alone answers 404 (missing) while discovery keeps answering", async () => {
    idp = await startFakeIssuer();
    idp.setJwksMode("missing");
    expect((await discovery()).jwks_uri).toBe(idp.jwksUri);
    expect((await fetch(idp.jwksUri)).status).toBe(404);
    expect(idp.discoveryHits).toBe(1);
    expect(idp.jwksHits).toBe(1);
  });

  it("moveJwks: discovery names the new path, the keys are there and the old path answers 404", async () => {
    idp = await startFakeIssuer();
    const old = idp.jwksUri;
    idp.moveJwks("/keys-v2");
    expect((await discovery()).jwks_uri).toBe(`${idp.issuer}/keys-v2`);
    expect(idp.jwksUri).toBe(`${idp.issuer}/keys-v2`);
    expect(await (await fetch(idp.jwksUri)).json()).toEqual({ keys: [] });
    expect((await fetch(old)).status).toBe(404);
  });

  it("setLatency: answers wait that long", async () => {
    idp = await startFakeIssuer();
    idp.setLatency(200);
    const started = performance.now();
    await discovery();
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });
});
