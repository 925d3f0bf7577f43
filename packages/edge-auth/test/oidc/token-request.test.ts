import { afterEach, describe, expect, it } from "vitest";
import { exchangeCode } from "../../src/oidc/token-exchange.js";
import { type StubServer, startStubServer } from "../fixtures/stub-server.js";

let server: StubServer | undefined;
afterEach(() => server?.close());

const input = {
  code: "the-code",
  redirectUri: "https://www.example.com/_auth/callback",
  verifier: "v".repeat(43),
};

async function tokenEndpoint(status: number, body: string) {
  server = await startStubServer((_req, _body, res) => {
    res.writeHead(status, { "content-type": "application/json" }).end(body);
  });
  return `${server.url}/token`;
}

describe("the token request", () => {
  it("authenticates with client_secret_basic and always sends the PKCE verifier", async () => {
    const url = await tokenEndpoint(200, '{"access_token":"at","id_token":"it"}');
    await exchangeCode(url, input, { clientId: "static site", clientSecret: "s3:cr%t" }, { timeoutMs: 1000 });
    const req = server?.requests[0];
    expect(req?.headers.authorization).toBe(
      `Basic ${Buffer.from("static+site:s3%3Acr%25t").toString("base64")}`,
    );
    const form = new URLSearchParams(req?.body);
    expect(form.get("code_verifier")).toBe(input.verifier);
    expect(form.get("grant_type")).toBe("authorization_code");
    expect(form.get("client_id")).toBeNull();
  });

  it("sends client_id in the body for a public client", async () => {
    const url = await tokenEndpoint(200, '{"access_token":"at"}');
    await exchangeCode(url, input, { clientId: "static-site" }, { timeoutMs: 1000 });
    expect(server?.requests[0]?.headers.authorization).toBeUndefined();
    expect(new URLSearchParams(server?.requests[0]?.body).get("client_id")).toBe("static-site");
  });

  it("reports an OAuth error answer as token_endpoint_rejected", async () => {
    const url = await tokenEndpoint(400, '{"error":"invalid_grant"}');
    await expect(exchangeCode(url, input, { clientId: "c" }, { timeoutMs: 1000 })).rejects.toMatchObject({
      code: "token_endpoint_rejected",
      oauthError: "invalid_grant",
    });
  });

  it.each([
    [500, '{"error":"server_error"}'],
    [200, "<html>"],
    [200, '{"token_type":"Bearer"}'],
  ])("reports %i %s as the IdP being unavailable", async (status, body) => {
    const url = await tokenEndpoint(status, body);
    await expect(exchangeCode(url, input, { clientId: "c" }, { timeoutMs: 1000 })).rejects.toMatchObject({
      code: "upstream_unavailable",
    });
  });
});
