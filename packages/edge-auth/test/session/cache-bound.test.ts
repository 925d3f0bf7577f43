// Issue #18: a validation answer is reused for at most validationCacheMaxSeconds, whatever the token's
// `exp` or the API's `expiresIn` say (a token with exp 1e300 used to stay trusted for the container's life).
import { createTestKey, PAGE_LOAD_HEADERS, signToken, viewerRequestEvent } from "@static-sso/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler } from "../../src/handle.js";
import { type StubServer, startStubServer } from "../fixtures/stub-server.js";

let api: StubServer;
let token: string;
beforeAll(async () => {
  // A validation API that says yes, with an absurd expiresIn: the edge must bound it itself.
  api = await startStubServer((_req, _body, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({ valid: true, claims: { sub: "alice-id", aud: "site", azp: "site" }, expiresIn: 1e12 }),
    );
  });
  const key = await createTestKey("RS256");
  token = await signToken(key, { sub: "alice-id", aud: "site", azp: "site", exp: 1e300 });
});
afterAll(() => api?.close());

describe("the validation cache's bound", () => {
  for (const [setting, maxSeconds] of [
    ["the default", undefined],
    ["validationCacheMaxSeconds: 60", 60],
  ] as const) {
    it(`asks the API again once ${setting} (${maxSeconds ?? 300} s) has passed, even with exp 1e300`, async () => {
      let clock = Date.now();
      const edge = createHandler(
        {
          issuer: "https://idp.example.com/realms/demo",
          clientId: "site",
          validateUrl: `${api.url}/validate`,
          ...(maxSeconds === undefined ? {} : { validationCacheMaxSeconds: maxSeconds }),
        },
        { now: () => clock, logSink: () => {} },
      );
      const ask = () =>
        edge(
          viewerRequestEvent({
            uri: "/docs/",
            headers: { ...PAGE_LOAD_HEADERS, cookie: [`__Host-sso-at=${token}`] },
          }),
        );
      const before = api.requests.length;
      expect(await ask()).toMatchObject({ uri: "/docs/index.html" });
      clock += ((maxSeconds ?? 300) - 1) * 1000;
      await ask();
      expect(api.requests.length - before).toBe(1);
      clock += 2000;
      expect(await ask()).toMatchObject({ uri: "/docs/index.html" });
      expect(api.requests.length - before).toBe(2);
    });
  }

  it("refuses a bound that is not a whole number of seconds up to an hour", () => {
    for (const bad of [-1, 3601, 1.5, "300"])
      expect(() =>
        createHandler({
          issuer: "https://idp.example.com/realms/demo",
          clientId: "site",
          validateUrl: `${api.url}/validate`,
          validationCacheMaxSeconds: bad,
        }),
      ).toThrow(/validationCacheMaxSeconds/);
  });
});
