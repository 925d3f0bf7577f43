import { createServer, get as httpGet, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type DemoIdp, startDemoIdp } from "@static-sso/demo-idp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../src/free-port.js";
import { startStack } from "../src/start-stack.js";

describe("startStack", () => {
  let busy: Server;
  let busyPort: number;

  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    busyPort = (busy.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it("fails with port_in_use naming the variable when the site's port is taken", async () => {
    const failure = await startStack({ sitePort: busyPort, apiPort: 0, idpPort: 0 }).catch((e: unknown) => e);
    expect((failure as { code?: string }).code).toBe("port_in_use");
    expect((failure as Error).message).toContain("SITE_PORT");
  });

  it("fails with port_in_use when the IdP's port is taken", async () => {
    const failure = await startStack({ sitePort: 0, apiPort: 0, idpPort: busyPort }).catch((e: unknown) => e);
    expect((failure as { code?: string }).code).toBe("port_in_use");
    expect((failure as Error).message).toContain("IDP_PORT");
  });

  describe("with an external IdP", () => {
    let external: DemoIdp;
    let sitePort: number;

    beforeAll(async () => {
      sitePort = await freePort();
      external = await startDemoIdp({
        port: 0,
        redirectUris: [`http://localhost:${sitePort}/_auth/callback`],
        postLogoutRedirectUris: [`http://localhost:${sitePort}/`],
      });
    });
    afterAll(() => external?.stop());

    it("starts nothing for the IdP and sends logins to it", async () => {
      const stack = await startStack({ mode: "lambda-edge", issuer: external.issuer, sitePort, apiPort: 0 });
      try {
        expect(stack.idp).toBe("external");
        expect(stack.idpUrl).toBe(external.issuer);
        // node:http, not fetch: fetch sends its own Sec-Fetch-Mode (cors), which the edge answers with 401.
        const res = await new Promise<IncomingMessage>((resolve, reject) => {
          httpGet(
            `${stack.siteUrl}/docs/`,
            { headers: { accept: "text/html", "sec-fetch-mode": "navigate" } },
            (r) => {
              r.resume();
              resolve(r);
            },
          ).on("error", reject);
        });
        expect(res.statusCode).toBe(302);
        expect(res.headers.location?.startsWith(`${external.issuer}/protocol/openid-connect/auth?`)).toBe(
          true,
        );
      } finally {
        await stack.stop();
      }
    });
  });
});
