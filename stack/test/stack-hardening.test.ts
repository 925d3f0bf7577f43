import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBrowserLikeClient } from "../src/keycloak/browser-like-client.js";
import { type RawResponse, rawRequest } from "../src/raw-http.js";
import { type RunningStack, startStack } from "../src/start-stack.js";

// The stack as `npm start -- --mode lambda-edge` runs it (built edge bundle on every request, embedded
// IdP, validation API behind the IAM check), over real HTTP.
let stack: RunningStack;
beforeAll(async () => {
  stack = await startStack({ mode: "lambda-edge", sitePort: 0, apiPort: 0, idpPort: 0 });
});
afterAll(() => stack?.stop());

function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return rawRequest(url, init);
}

async function signedInAlice() {
  const alice = createBrowserLikeClient({ username: "alice", password: "alice-password" });
  const page = await alice.navigate(`${stack.siteUrl}/staff/`);
  expect(page.status).toBe(200);
  const host = new URL(stack.siteUrl).hostname;
  const cookie = [...alice.cookies(host)].map(([k, v]) => `${k}=${v}`).join("; ");
  return { alice, cookie };
}

describe("the validation API of the local stack", () => {
  it("is called by the edge with SigV4 (the demo config's validateAuth iam): a login reaches /staff/", async () => {
    expect(stack.edgeConfig).toMatchObject({ validateAuth: "iam" });
    await signedInAlice();
  });

  it("refuses anyone else, as API Gateway's IAM authorization does", async () => {
    const res = await send(stack.validateUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"token":"a.b.c"}',
    });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toEqual({ message: "Forbidden" });
  });
});

describe("logout through the CloudFront emulator", () => {
  const PAGE = { accept: "text/html", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };

  it("answers a cross-site GET with a same-origin POST form and keeps the session", async () => {
    const { cookie } = await signedInAlice();
    const res = await send(`${stack.siteUrl}/_auth/logout`, {
      headers: { ...PAGE, "sec-fetch-site": "cross-site", cookie },
    });
    expect(res.status).toBe(200);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.body).toContain('<form method="post" action="/_auth/logout">');
    const still = await send(`${stack.siteUrl}/staff/`, {
      headers: { ...PAGE, "sec-fetch-site": "none", cookie },
    });
    expect(still.status).toBe(200);
  });

  it("logs out on the form's POST from the site's origin", async () => {
    const { cookie } = await signedInAlice();
    const res = await send(`${stack.siteUrl}/_auth/logout`, {
      method: "POST",
      headers: { ...PAGE, "sec-fetch-site": "same-origin", origin: stack.siteUrl, cookie },
    });
    expect(res.status).toBe(302);
    expect(String(res.headers.location)).toContain(`${stack.idpUrl}/protocol/openid-connect/logout`);
    expect((res.headers["set-cookie"] as string[]).every((c) => /Max-Age=0/i.test(c))).toBe(true);
  });

  it("logs out on a same-origin GET (the site's own link)", async () => {
    const { cookie } = await signedInAlice();
    const res = await send(`${stack.siteUrl}/_auth/logout`, {
      headers: { ...PAGE, "sec-fetch-site": "same-origin", cookie },
    });
    expect(res.status).toBe(302);
  });
});
