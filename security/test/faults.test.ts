// Faults upstream of the edge and of the validation API. Each must give a clear error answer (503 with
// Retry-After at the edge), never the content, within Lambda@Edge's 5 s budget, and one log line that
// says why.
import { randomUUID } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createHandler, type EdgeHandler } from "@static-sso/edge-auth";
import {
  createTestKey,
  PAGE_LOAD_HEADERS,
  signToken,
  startFakeIssuer,
  viewerRequestEvent,
} from "@static-sso/testing";
import { JwksCache, startValidateServer } from "@static-sso/validate-api";
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type GrantAnswer, startTokenIssuer, type TokenIssuer } from "../src/fast-issuer.js";
import { genuine } from "../src/fast-session-cookies.js";
import {
  keyValue,
  loadFunction,
  MODES,
  type ModeSite,
  newSessionKey,
  runFunction,
  SESSION_COOKIE,
  type SiteAnswer,
  sessionCookiesSet,
  startModeSite,
  type Viewer,
} from "../src/fast-target.js";
import { SITE, startFlowTarget } from "../src/flow-target.js";
import { captureLogs, type LogCapture } from "../src/log-capture.js";
import { closedPortUrl, startMisbehavingServer } from "../src/misbehaving-server.js";
import {
  ACCESS_COOKIE,
  CLIENT_ID,
  generated,
  header,
  SITE_HOST,
  startTokenTarget,
  type TokenTarget,
} from "../src/token-target.js";

const BUDGET_MS = 5_000;
/** The validation API's own budget: the edge waits 2 s for its answer (validateTimeoutMs). */
const API_DEADLINE_MS = 2_000;

/** The issuer's token endpoint can be made to fail (fast-issuer.ts); the rest is as before. */
let t: TokenTarget<TokenIssuer>;
beforeAll(async () => {
  t = await startTokenTarget({ issuer: (key) => startTokenIssuer(key, CLIENT_ID) });
});
afterAll(async () => {
  await t?.close();
});

function edgeWith(validateUrl: string, logs: LogCapture): EdgeHandler {
  return createHandler(
    { issuer: t.issuer.issuer, clientId: CLIENT_ID, validateUrl, publicPaths: ["/public/*"] },
    { logSink: logs.sink },
  );
}

/** A page load of the protected /docs/ with `token` as the session cookie. */
function docsPageLoad(token: string): CloudFrontRequestEvent {
  return viewerRequestEvent({
    host: SITE_HOST,
    uri: "/docs/",
    headers: { ...PAGE_LOAD_HEADERS, cookie: [`${ACCESS_COOKIE}=${token}`] },
  });
}

/** Asks for a protected page with a good session; returns the answer and how long it took. */
async function timedAsk(edge: EdgeHandler): Promise<{ result: CloudFrontRequestResult; ms: number }> {
  const token = await t.sign();
  const started = performance.now();
  const result = await edge(docsPageLoad(token));
  return { result, ms: performance.now() - started };
}

function expect503(result: CloudFrontRequestResult, ms: number) {
  const res = generated(result);
  expect(res?.status, "must not reach the origin").toBe("503");
  expect(header(res, "retry-after")).toBe("5");
  expect(res?.body).toMatch(/Temporarily unavailable/);
  expect(ms).toBeLessThan(BUDGET_MS);
}

/** The edge's one log line for the request, with its reason. */
function edgeReason(logs: LogCapture): unknown {
  const lines = logs.find("fn", "edge-auth");
  expect(lines).toHaveLength(1);
  return lines[0]?.reason;
}

describe("the validation API failing behind the edge", () => {
  it("answers 503 when the validation API is down (connection refused): reason validate_unreachable", async () => {
    const logs = captureLogs();
    const { result, ms } = await timedAsk(edgeWith(`${await closedPortUrl()}/validate`, logs));
    expect503(result, ms);
    expect(edgeReason(logs)).toBe("validate_unreachable");
  });

  it("answers 503 when the validation API is slower than the deadline: reason validate_timeout", async () => {
    const slow = await startMisbehavingServer(() => {}); // never answers
    const logs = captureLogs();
    try {
      const { result, ms } = await timedAsk(edgeWith(`${slow.url}/validate`, logs));
      expect503(result, ms);
      expect(ms).toBeGreaterThanOrEqual(1_900); // the default 2 s validate deadline, not the whole budget
      expect(edgeReason(logs)).toBe("validate_timeout");
    } finally {
      await slow.close();
    }
  });

  const BAD_ANSWERS: Array<{ name: string; reason: RegExp; status: number; type: string; body: string }> = [
    {
      name: "answers 500",
      reason: /^validate_status_500$/,
      status: 500,
      type: "application/json",
      body: '{"valid":false,"error":"internal_error"}',
    },
    {
      name: "answers 200 with garbage",
      reason: /^validate_/,
      status: 200,
      type: "text/html",
      body: "<html>valid: true</html>",
    },
    {
      name: "answers 200 {valid: true} without claims",
      reason: /^validate_status_200$/,
      status: 200,
      type: "application/json",
      body: '{"valid":true}',
    },
  ];
  for (const bad of BAD_ANSWERS) {
    it(`answers 503 when the validation API ${bad.name}: the reason names the validation API`, async () => {
      const api = await startMisbehavingServer((_req, res) =>
        res.writeHead(bad.status, { "content-type": bad.type }).end(bad.body),
      );
      const logs = captureLogs();
      try {
        const { result, ms } = await timedAsk(edgeWith(`${api.url}/validate`, logs));
        expect503(result, ms);
        expect(String(edgeReason(logs))).toMatch(bad.reason);
      } finally {
        await api.close();
      }
    });
  }
});

/** POST /validate with the token as Bearer; the answer and how long it took. */
async function timedValidate(
  validateUrl: string,
  token: string,
): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const res = await fetch(validateUrl, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  const body: unknown = await res.json();
  return { status: res.status, body, ms: performance.now() - started };
}

describe("the IdP's JWKS endpoint failing behind the validation API", () => {
  it("answers 503 jwks_unavailable with no keys cached, and the edge 503: the log says why", async () => {
    const key = await createTestKey("RS256");
    const issuer = await startFakeIssuer([key.publicJwk]);
    issuer.setMode("down");
    const apiLogs = captureLogs();
    const api = await startValidateServer({
      issuer: issuer.issuer,
      audience: CLIENT_ID,
      jwksCache: new JwksCache(),
      logger: apiLogs.logger,
    });
    const logs = captureLogs();
    try {
      const token = await signToken(key, { iss: issuer.issuer, aud: CLIENT_ID, sub: "alice-id" });
      const answer = await timedValidate(api.validateUrl, token);
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ valid: false, error: "jwks_unavailable" });
      expect(answer.ms).toBeLessThan(API_DEADLINE_MS);
      expect(apiLogs.find("message", "jwks fetch failed").length).toBeGreaterThan(0);
      expect(apiLogs.find("outcome", "unavailable")[0]).toMatchObject({
        status: 503,
        reason: "jwks_unavailable",
      });

      const edge = createHandler(
        { issuer: t.issuer.issuer, clientId: CLIENT_ID, validateUrl: api.validateUrl },
        { logSink: logs.sink },
      );
      const started = performance.now();
      const result = await edge(docsPageLoad(token));
      expect503(result, performance.now() - started);
      expect(String(edgeReason(logs))).toMatch(/^validate_/);
    } finally {
      await api.close();
      await issuer.close();
    }
  });

  it("answers 503 jwks_unavailable within its deadline when the IdP holds the connection open, no keys cached", async () => {
    const key = await createTestKey("RS256");
    const issuer = await startFakeIssuer([key.publicJwk]);
    issuer.setMode("slow");
    const apiLogs = captureLogs();
    const api = await startValidateServer({
      issuer: issuer.issuer,
      audience: CLIENT_ID,
      jwksCache: new JwksCache(),
      logger: apiLogs.logger,
    });
    try {
      const token = await signToken(key, { iss: issuer.issuer, aud: CLIENT_ID, sub: "alice-id" });
      const answer = await timedValidate(api.validateUrl, token);
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ valid: false, error: "jwks_unavailable" });
      // The fetch gives up at its own 1.5 s deadline, before the edge's 2 s wait for the API ends.
      expect(answer.ms).toBeGreaterThanOrEqual(1_400);
      expect(answer.ms).toBeLessThan(API_DEADLINE_MS);
      expect(apiLogs.find("message", "jwks fetch failed").length).toBeGreaterThan(0);
      expect(apiLogs.find("outcome", "unavailable")).toEqual([
        expect.objectContaining({ status: 503, reason: "jwks_unavailable" }),
      ]);
    } finally {
      await api.close();
      await issuer.close();
    }
  });

  /**
   * A validation API that fetched the issuer's keys, then the JWKS endpoint goes down and the clock
   * moves past the keys' 10 min TTL, so each request that needs keys finds a refetch due.
   */
  async function cachedKeysThenDown() {
    const key = await createTestKey("RS256");
    const issuer = await startFakeIssuer([key.publicJwk]);
    let now = Date.now();
    const logs = captureLogs();
    const api = await startValidateServer({
      issuer: issuer.issuer,
      audience: CLIENT_ID,
      jwksCache: new JwksCache(),
      clock: () => now,
      logger: logs.logger,
    });
    const claims = { iss: issuer.issuer, aud: CLIENT_ID, sub: "a" };
    const signedBy = (k: typeof key) => signToken(k, claims, { now: Math.floor(now / 1000) });
    expect((await timedValidate(api.validateUrl, await signedBy(key))).status).toBe(200);
    issuer.setMode("down");
    now += 11 * 60_000;
    return {
      key,
      api,
      signedBy,
      advance: (ms: number) => {
        now += ms;
      },
      lastRequestLine: () => logs.find("message", "request").at(-1),
      fetchFailures: () => logs.find("message", "jwks fetch failed").length,
      close: async () => {
        await api.close();
        await issuer.close();
      },
    };
  }

  it("keeps validating with the cached keys past their TTL while the JWKS endpoint is down: 200, the failed refetch logged", async () => {
    const s = await cachedKeysThenDown();
    try {
      const stale = await timedValidate(s.api.validateUrl, await s.signedBy(s.key));
      expect(stale).toMatchObject({ status: 200, body: { valid: true } });
      expect(stale.ms).toBeLessThan(API_DEADLINE_MS);
      expect(s.lastRequestLine()).toMatchObject({ status: 200, outcome: "valid" });
      // The refetch may end after the answer (a refresh in the background): wait for its log line.
      await vi.waitFor(() => expect(s.fetchFailures()).toBeGreaterThan(0));
    } finally {
      await s.close();
    }
  });

  it("refuses an unknown kid while the JWKS endpoint is down and keys are cached: 401 key_not_found, asked again only after the 30 s cool-down", async () => {
    const s = await cachedKeysThenDown();
    try {
      expect((await timedValidate(s.api.validateUrl, await s.signedBy(s.key))).status).toBe(200);
      await vi.waitFor(() => expect(s.fetchFailures()).toBeGreaterThan(0));
      const failures = s.fetchFailures();
      const other = await createTestKey("RS256");

      // Within the cool-down since the failed fetch: not asked again, refused as an unknown key.
      const within = await timedValidate(s.api.validateUrl, await s.signedBy(other));
      expect(within).toMatchObject({ status: 401, body: { valid: false, error: "key_not_found" } });
      expect(within.ms).toBeLessThan(API_DEADLINE_MS);
      expect(s.lastRequestLine()).toMatchObject({ status: 401, outcome: "invalid", reason: "key_not_found" });
      expect(s.fetchFailures()).toBe(failures);

      // Past it: asked once more, the fetch fails, and the answer stays an unknown key (the keys are
      // cached, this kid is not among them): 401, never trusted.
      s.advance(31_000);
      const after = await timedValidate(s.api.validateUrl, await s.signedBy(other));
      expect(after).toMatchObject({ status: 401, body: { valid: false, error: "key_not_found" } });
      expect(after.ms).toBeLessThan(API_DEADLINE_MS);
      expect(s.lastRequestLine()).toMatchObject({ status: 401, outcome: "invalid", reason: "key_not_found" });
      expect(s.fetchFailures()).toBeGreaterThan(failures);
    } finally {
      await s.close();
    }
  });
});

describe("the IdP's token endpoint failing during the callback", () => {
  it("answers 503 when the token endpoint is down at the code exchange: reason token-endpoint_unavailable", async () => {
    const flow = await startFlowTarget();
    try {
      const b = flow.browser();
      const answer = await b.login(`${SITE}/docs/`, "alice", "alice-password", true);
      const callback = new URL(answer.location as string, answer.url).href;
      await flow.idp.stop(); // discovery is cached by the edge; the token endpoint is gone
      const before = flow.logs.lines.length;
      const started = performance.now();
      const done = await b.request(callback);
      const ms = performance.now() - started;
      expect(done.origin).toBe(false);
      expect(done.status).toBe(503);
      expect(ms).toBeLessThan(BUDGET_MS);
      expect([...b.siteJar.keys()].filter((n) => /^__Host-sso-(at|id|rt)/.test(n))).toEqual([]);
      const line = flow.logs.lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(line.find((l) => l.fn === "edge-auth")).toMatchObject({ reason: "token-endpoint_unavailable" });
    } finally {
      await flow.api.close();
    }
  });
});

describe("SSM Parameter Store failing at cold start (the built dist/index.js, the real SDK)", () => {
  const pkgDist = fileURLToPath(new URL("../../packages/edge-auth/dist/index.js", import.meta.url));
  // Under this package's node_modules so that the bundle's one external, @aws-sdk/client-ssm, resolves
  // as the Lambda runtime provides it. Ignored by git and biome.
  const scratch = fileURLToPath(new URL(`../node_modules/.cache/edge-dist-${randomUUID()}`, import.meta.url));
  const saved = { ...process.env };
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
    process.env = saved;
  });

  type Lambda = {
    handler: (event: unknown, ctx: { functionName: string }) => Promise<CloudFrontRequestResult>;
  };
  function installFresh(name: string): Lambda {
    if (!existsSync(pkgDist)) throw new Error(`build the edge first: ${pkgDist} is missing`);
    const dir = `${scratch}/${name}`;
    mkdirSync(dir, { recursive: true });
    // edge-auth's own dist test may be rebuilding the bundle right now: copy until a whole one is read.
    for (let i = 0; i < 50; i++) {
      copyFileSync(pkgDist, `${dir}/index.js`);
      if (/module\.exports\s*=\s*\{\s*handler\s*\}\);?\s*$/.test(readFileSync(`${dir}/index.js`, "utf8")))
        break;
    }
    writeFileSync(`${dir}/package.json`, '{ "type": "commonjs" }\n');
    return createRequire(`${dir}/index.js`)(`${dir}/index.js`) as Lambda;
  }

  for (const mode of ["down", "slow"] as const) {
    it(`answers 503 when SSM is ${mode === "down" ? "failing (500)" : "not answering"} at cold start: reason config_unavailable`, async () => {
      const ssm = await startMisbehavingServer((_req, res) => {
        if (mode === "slow") return;
        res
          .writeHead(500, { "content-type": "application/x-amz-json-1.1" })
          .end('{"__type":"InternalServerError","message":"internal failure"}');
      });
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_SSM: ssm.url,
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "secret-example",
        AWS_REGION: "us-east-1",
        AWS_EC2_METADATA_DISABLED: "true",
      });
      const out: string[] = [];
      const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
        out.push(String(chunk));
        return true;
      });
      try {
        const { handler } = installFresh(mode);
        const started = performance.now();
        const result = await handler(
          viewerRequestEvent({ host: SITE_HOST, uri: "/docs/", headers: PAGE_LOAD_HEADERS }),
          {
            functionName: "us-east-1.site-auth",
          },
        );
        expect503(result, performance.now() - started);
        expect(ssm.requests).toBeGreaterThan(0);
      } finally {
        spy.mockRestore();
        await ssm.close();
      }
      const lines = out.flatMap((c) => c.split("\n")).filter(Boolean);
      const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reason);
      expect(line).toMatchObject({ level: "error", outcome: "unavailable", reason: "config_unavailable" });
    });
  }
});

// The same faults in both edge modes, where a session is made: the callback and the refresh. Each must
// end in the 503 page (fetch too), within the budget, with the edge's log line naming the upstream, and
// never a session cookie: neither the access token cookie (lambda-edge) nor a minted session
// (cloudfront-function).

/** A 503 page in the budget (Retry-After 5, the page's text), never the content. */
function expectUnavailablePage(answer: SiteAnswer, ms: number) {
  expect(answer.origin, "must not reach the origin").toBe(false);
  expect(answer.status).toBe(503);
  expect(answer.retryAfter).toBe("5");
  expect(answer.body).toMatch(/Temporarily unavailable/);
  expect(ms).toBeLessThan(BUDGET_MS);
}

/** The edge's last log line since `before` lines. */
function lastEdgeLine(site: ModeSite, before: number): Record<string, unknown> | undefined {
  return site.logs.lines
    .slice(before)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.fn === "edge-auth" && l.message === "request")
    .at(-1);
}

const mintedSessions = (v: Viewer) => v.answers.flatMap((a) => sessionCookiesSet(a.setCookies));

const TOKEN_ENDPOINT_FAULTS: Array<{ name: string; answer: GrantAnswer }> = [
  {
    name: "down (503)",
    answer: { status: 503, contentType: "text/html", body: "<html>Service Unavailable</html>" },
  },
  { name: "resetting the connection", answer: "reset" },
  { name: "slower than the deadline (no answer)", answer: "hang" },
  {
    name: "answering garbage (200 text/html)",
    answer: { status: 200, contentType: "text/html", body: "<html>oops</html>" },
  },
  {
    name: "answering 200 JSON without an access token",
    answer: { status: 200, contentType: "application/json", body: '{"token_type":"Bearer"}' },
  },
];

/**
 * A page load and a fetch with an expired session that the edge can refresh, while the refresh's upstream
 * fails: the 503 page in time, no session cookie minted, and the edge's line saying why.
 */
async function expectRefreshUnavailable(site: ModeSite, line: Record<string, unknown>) {
  for (const kind of ["navigation", "fetch"] as const) {
    const v = site.viewer();
    await v.holdExpiredSession(t.key, t.issuer.issuer);
    const before = site.logs.lines.length;
    const started = performance.now();
    const answer = await v.follow("/docs/", kind);
    expectUnavailablePage(answer, performance.now() - started);
    expect(mintedSessions(v), kind).toEqual([]);
    expect(lastEdgeLine(site, before), kind).toMatchObject({ outcome: "unavailable", status: 503, ...line });
  }
}

describe.each(MODES)("%s: the IdP's token endpoint failing at the callback and at refresh", (mode) => {
  let site: ModeSite;
  beforeAll(async () => {
    site = await startModeSite({ mode, issuer: t.issuer.issuer, validateUrl: t.api.validateUrl });
  });
  afterEach(() => t.issuer.answerGrants());

  for (const fault of TOKEN_ENDPOINT_FAULTS) {
    it(`answers 503 at the callback when the token endpoint is ${fault.name}: reason token-endpoint_unavailable, no session cookie`, async () => {
      t.issuer.answerGrants(() => fault.answer);
      const v = site.viewer();
      const before = site.logs.lines.length;
      const started = performance.now();
      const answer = await v.signIn();
      expectUnavailablePage(answer, performance.now() - started);
      expect(sessionCookiesSet(answer.setCookies)).toEqual([]);
      expect(lastEdgeLine(site, before)).toMatchObject({
        outcome: "unavailable",
        reason: "token-endpoint_unavailable",
        status: 503,
        path: "/_auth/callback",
      });
    });

    it(`answers 503 at refresh when the token endpoint is ${fault.name}, for a page load and for fetch: no session cookie`, async () => {
      t.issuer.answerGrants(() => fault.answer);
      await expectRefreshUnavailable(site, { reason: "token-endpoint_unavailable" });
      expect(t.issuer.grants.at(-1)?.type).toBe("refresh_token");
    }, 15_000);
  }
});

/** Validation APIs that fail as in the first describe of this file, each started for one test. */
const VALIDATE_FAULTS: Array<{
  name: string;
  reason: RegExp;
  start: () => Promise<{ url: string; close(): Promise<void> }>;
}> = [
  {
    name: "down (connection refused)",
    reason: /^validate_unreachable$/,
    start: async () => ({ url: `${await closedPortUrl()}/validate`, close: async () => {} }),
  },
  {
    name: "slower than its deadline",
    reason: /^validate_timeout$/,
    start: async () => {
      const s = await startMisbehavingServer(() => {});
      return { url: `${s.url}/validate`, close: () => s.close() };
    },
  },
  {
    name: "answering 500",
    reason: /^validate_status_500$/,
    start: async () => {
      const s = await startMisbehavingServer((_req, res) =>
        res.writeHead(500, { "content-type": "application/json" }).end('{"error":"internal_error"}'),
      );
      return { url: `${s.url}/validate`, close: () => s.close() };
    },
  },
  {
    name: "answering 502 from the gateway (HTML)",
    reason: /^validate_/,
    start: async () => {
      const s = await startMisbehavingServer((_req, res) =>
        res.writeHead(502, { "content-type": "text/html" }).end("<html>Bad Gateway</html>"),
      );
      return { url: `${s.url}/validate`, close: () => s.close() };
    },
  },
];

describe.each(MODES)("%s: the validation API failing at the callback", (mode) => {
  for (const fault of VALIDATE_FAULTS) {
    it(`answers 503 at the callback when the validation API is ${fault.name}: the reason names it, no session cookie`, async () => {
      const api = await fault.start();
      try {
        const site = await startModeSite({ mode, issuer: t.issuer.issuer, validateUrl: api.url });
        const v = site.viewer();
        const started = performance.now();
        const answer = await v.signIn();
        expectUnavailablePage(answer, performance.now() - started);
        expect(sessionCookiesSet(answer.setCookies)).toEqual([]);
        expect(lastEdgeLine(site, 0)).toMatchObject({
          outcome: "unavailable",
          reason: expect.stringMatching(fault.reason),
          status: 503,
        });
        await expect(v.follow("/docs/")).resolves.toMatchObject({ origin: false });
      } finally {
        await api.close();
      }
    });
  }
});

// lambda-edge stores a refreshed token without asking the validation API (the page load after it asks);
// the fast path asks before it mints, so only there can the API fail at refresh.
describe("cloudfront-function: the validation API failing at refresh", () => {
  for (const fault of VALIDATE_FAULTS) {
    it(`answers 503 at refresh when the validation API is ${fault.name}, for a page load and for fetch: no session minted`, async () => {
      const api = await fault.start();
      try {
        const site = await startModeSite({
          mode: "cloudfront-function",
          issuer: t.issuer.issuer,
          validateUrl: api.url,
        });
        await expectRefreshUnavailable(site, {
          reason: expect.stringMatching(fault.reason),
          path: "/_auth/refresh",
        });
      } finally {
        await api.close();
      }
    }, 15_000);
  }
});

// The function reads its keys from the KeyValueStore on each request with a session cookie. A store it
// cannot use must fail closed and say so: the 503 page (fetch too) and a log line, never the content,
// never a throw (CloudFront would answer a failed function with its own 5xx and no line of ours).
describe("cloudfront-function: the function's KeyValueStore without a usable key", () => {
  const key = newSessionKey("k-current");
  const good = newSessionKey("k-previous");
  const STORES: Array<{ name: string; kvs: ReadonlyMap<string, string> | string | undefined }> = [
    { name: "no KeyValueStore associated", kvs: undefined },
    { name: "an empty store", kvs: new Map() },
    { name: "a store that cannot be read", kvs: "/nonexistent/static-sso/kvs.json" },
    { name: "the current key without its kid", kvs: new Map([["session-key-current", key.secret]]) },
    { name: "the current key with an empty kid", kvs: new Map([["session-key-current", `:${key.secret}`]]) },
    {
      name: "the current key with a short secret",
      kvs: new Map([["session-key-current", "k-current:short"]]),
    },
    {
      name: "the current key with a secret outside base64url",
      kvs: new Map([["session-key-current", `k-current:${key.secret.slice(0, -2)}+/`]]),
    },
    {
      name: "the current key as JSON",
      kvs: new Map([["session-key-current", JSON.stringify(key)]]),
    },
    { name: "the current key empty", kvs: new Map([["session-key-current", ""]]) },
    {
      name: "the current key malformed, the previous one good (the cookie names the current kid)",
      kvs: new Map([
        ["session-key-current", "k-current:short"],
        ["session-key-previous", keyValue(good)],
      ]),
    },
    {
      name: "the current key missing, the previous one good (the cookie names the current kid)",
      kvs: new Map([["session-key-previous", keyValue(good)]]),
    },
  ];

  for (const store of STORES) {
    it(`answers 503 keys_unavailable with ${store.name}, for a page load and for fetch, and logs it`, async () => {
      const lines: string[] = [];
      const fn = await loadFunction(store.kvs, (line) => lines.push(line));
      const cookie: [string, string] = [SESSION_COOKIE, genuine(key, { roles: ["staff"] })];
      for (const kind of ["navigation", "fetch"] as const) {
        const answer = runFunction(fn, "/staff/", "", kind, [cookie]);
        expectUnavailablePage(answer, 0);
        expect(JSON.parse(lines.at(-1) ?? "{}"), kind).toMatchObject({
          fn: "session-check",
          outcome: "unavailable",
          reason: "keys_unavailable",
          status: 503,
        });
      }
      expect(lines).toHaveLength(2);
    });
  }

  it("still checks a cookie signed with the previous key when the current one is malformed (the control case)", async () => {
    const fn = await loadFunction(
      new Map([
        ["session-key-current", "k-current:short"],
        ["session-key-previous", keyValue(good)],
      ]),
    );
    expect(runFunction(fn, "/docs/", "", "navigation", [[SESSION_COOKIE, genuine(good)]]).origin).toBe(true);
    const forged = genuine(newSessionKey("k-previous"));
    expect(runFunction(fn, "/docs/", "", "navigation", [[SESSION_COOKIE, forged]]).origin).toBe(false);
  });
});
