import { existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { mintSessionToken, parseSessionKey, type SessionKey } from "@static-sso/authz-core";
import { hmacSha256 } from "@static-sso/shared";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RequestLogLine } from "../src/cloudfront-emulator.js";
import { createBrowserLikeClient } from "../src/keycloak/browser-like-client.js";
import { type RunningStack, startStack } from "../src/start-stack.js";

// `npm start` as it runs by default: mode cloudfront-function, the demo site's CloudFront Function on
// page views, the built edge bundle only under /_auth/.

const PAGE = { accept: "text/html", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };

function get(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          ...(res.headers.location ? { location: res.headers.location } : {}),
          body: Buffer.concat(chunks).toString(),
        }),
      );
    })
      .on("error", reject)
      .end();
  });
}

let stack: RunningStack;
const lines: RequestLogLine[] = [];
beforeAll(async () => {
  stack = await startStack({ sitePort: 0, apiPort: 0, idpPort: 0, onRequest: (l) => lines.push(l) });
});
afterAll(() => stack?.stop());
beforeEach(() => {
  lines.length = 0;
});

describe("startStack in its default mode, cloudfront-function", () => {
  it("says so, and gives the edge the mode and a fresh session key, the same the KeyValueStore holds", () => {
    expect(stack.mode).toBe("cloudfront-function");
    const keys = stack.edgeConfig.sessionKeys as { current: string };
    expect(stack.edgeConfig.mode).toBe("cloudfront-function");
    expect(keys.current).toMatch(/^local-[0-9a-f]{12}:[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(readFileSync(stack.kvsFile as string, "utf8"))).toEqual({
      data: [{ key: "session-key-current", value: keys.current }],
    });
  });

  it("answers a page view without a session from the function: 302 to /_auth/login, no Lambda@Edge", async () => {
    const res = await get(`${stack.siteUrl}/staff/`, PAGE);
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/_auth/login?return=${encodeURIComponent("/staff/")}`);
    expect(lines).toEqual([
      expect.objectContaining({ uri: "/staff/", source: "function", runtime: "cloudfront-function" }),
    ]);
  });

  it("serves /staff/ for a session cookie signed with the edge's key, without Lambda@Edge", async () => {
    const key = parseSessionKey((stack.edgeConfig.sessionKeys as { current: string }).current) as SessionKey;
    const now = Math.floor(Date.now() / 1000);
    const token = mintSessionToken(
      { sub: "alice", roles: ["staff"], exp: now + 60, refresh: false },
      key,
      hmacSha256,
      now,
    );

    const res = await get(`${stack.siteUrl}/staff/`, { ...PAGE, cookie: `__Host-sso-session=${token}` });

    expect(res.status).toBe(200);
    expect(res.body).toContain("Staff area");
    expect(lines).toEqual([
      expect.objectContaining({ status: 200, source: "origin", runtime: "cloudfront-function" }),
    ]);
  });

  it("sends /_auth/ to the built edge bundle", async () => {
    await get(`${stack.siteUrl}/_auth/login?return=%2Fstaff%2F`, PAGE);
    expect(lines).toEqual([expect.objectContaining({ uri: "/_auth/login", runtime: "lambda-edge" })]);
  });
});

describe("stopping the stack in cloudfront-function mode", () => {
  it("removes the KeyValueStore file (it holds the signing key)", async () => {
    const other = await startStack({ sitePort: 0, apiPort: 0, idpPort: 0 });
    const file = other.kvsFile as string;
    expect(existsSync(file)).toBe(true);
    expect((other.edgeConfig.sessionKeys as { current: string }).current).not.toBe(
      (stack.edgeConfig.sessionKeys as { current: string }).current,
    );
    await other.stop();
    expect(existsSync(file)).toBe(false);
  });
});

// The fast path's login end to end: the built edge bundle mints the session cookie at the callback, and
// the CloudFront Function serves every page view after it.
describe("the fast path's login through the stack", () => {
  it("logs alice in; then /staff/ is served by the CloudFront Function and never starts Lambda@Edge", async () => {
    const alice = createBrowserLikeClient({ username: "alice", password: "alice-password" });
    const first = await alice.navigate(`${stack.siteUrl}/staff/`);
    expect(first.status).toBe(200);
    expect(first.body).toContain("Staff area");
    // The way in: the function sent the page view to /_auth/login, Lambda@Edge did the login.
    expect(lines).toContainEqual(expect.objectContaining({ uri: "/_auth/login", runtime: "lambda-edge" }));
    expect(lines).toContainEqual(expect.objectContaining({ uri: "/_auth/callback", runtime: "lambda-edge" }));
    expect(lines.at(-1)).toMatchObject({
      uri: "/staff/",
      status: 200,
      source: "origin",
      runtime: "cloudfront-function",
    });

    lines.length = 0;
    const again = await alice.navigate(`${stack.siteUrl}/staff/`);

    expect(again.status).toBe(200);
    expect(again.body).toContain("Staff area");
    expect(again.hops).toHaveLength(1);
    expect(lines).toEqual([
      expect.objectContaining({
        uri: "/staff/",
        status: 200,
        source: "origin",
        runtime: "cloudfront-function",
      }),
    ]);
    expect(lines.filter((l) => l.runtime === "lambda-edge")).toEqual([]);
  });
});
