import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REQUEST_BUDGET_MS } from "@static-sso/shared";
import { createTestKey, PAGE_LOAD_HEADERS, signToken, viewerRequestEvent } from "@static-sso/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../src/config/load-config.js";
import { CONFIG_RELOAD_MS, CONFIG_RETRY_MS, createLambdaHandler } from "../src/lambda-handler.js";
import { SLOW_SSM_MS, type SsmEndpoint, startSsmEndpoint } from "./fixtures/ssm-endpoint.js";
import { type StubServer, startStubServer } from "./fixtures/stub-server.js";

const PARAM = "/static-sso/edge-auth/site-auth/config";
const CONFIG = {
  issuer: "https://idp.example.com/realms/demo",
  clientId: "static-site",
  validateUrl: "https://validate.example.com/validate",
  publicPaths: ["/public/*"],
};
const context = { functionName: "us-east-1.site-auth" };
const publicPage = () => viewerRequestEvent({ uri: "/public/index.html", headers: PAGE_LOAD_HEADERS });

let ssm: SsmEndpoint;
let dir: string;
beforeAll(async () => {
  ssm = await startSsmEndpoint();
});
afterAll(() => ssm?.close());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-auth-"));
  ssm.calls.length = 0;
  ssm.setMode("up");
  ssm.setParameter(PARAM, JSON.stringify(CONFIG));
  vi.stubEnv("AWS_ENDPOINT_URL_SSM", ssm.url);
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  vi.stubEnv("AWS_SESSION_TOKEN", "");
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

function lambda(logs: Array<Record<string, unknown>> = [], now: () => number = Date.now) {
  return createLambdaHandler({
    load: (fn) => loadConfig(dir, fn),
    now,
    logSink: (l) => logs.push(JSON.parse(l)),
  });
}

describe("config from SSM Parameter Store", () => {
  it("reads the SecureString named after the function, decrypted, with the real SDK client", async () => {
    const res = await lambda()(publicPage(), context);
    expect(res).toMatchObject({ uri: "/public/index.html" });
    expect(ssm.calls).toEqual([
      { target: "AmazonSSM.GetParameter", body: { Name: PARAM, WithDecryption: true } },
    ]);
  });

  it("loads the config once per container", async () => {
    const handler = lambda();
    await handler(publicPage(), context);
    await handler(publicPage(), context);
    await handler(publicPage(), context);
    expect(ssm.calls.length).toBe(1);
  });

  it("answers 503 and logs when SSM is down, then retries after a back-off instead of crash-looping", async () => {
    let clock = 1_000_000;
    const logs: Array<Record<string, unknown>> = [];
    const handler = lambda(logs, () => clock);
    ssm.setMode("down");
    expect(await handler(publicPage(), context)).toMatchObject({ status: "503" });
    expect(logs.at(-1)).toMatchObject({
      level: "error",
      reason: "config_unavailable",
      errorCode: "upstream_unavailable",
    });
    const callsWhileDown = ssm.calls.length;
    ssm.setMode("up");
    expect(await handler(publicPage(), context)).toMatchObject({ status: "503" });
    expect(ssm.calls.length).toBe(callsWhileDown); // inside the back-off: SSM is not hammered
    clock += CONFIG_RETRY_MS + 1;
    expect(await handler(publicPage(), context)).toMatchObject({ uri: "/public/index.html" });
  });

  it("answers 503 and logs when SSM answers something that is not its JSON", async () => {
    const logs: Array<Record<string, unknown>> = [];
    ssm.setMode("garbage");
    expect(await lambda(logs)(publicPage(), context)).toMatchObject({ status: "503" });
    expect(logs.at(-1)).toMatchObject({ reason: "config_unavailable", errorCode: "upstream_unavailable" });
  });

  it("counts a slow config load against the request's 5 s, answering 503 inside it", async () => {
    // The validation API accepts the connection and never answers; its deadline is the most a config
    // allows. Were the budget started after the config load, this request would run past 5 s.
    const hanging: StubServer = await startStubServer(() => {});
    try {
      ssm.setMode("slow");
      ssm.setParameter(
        PARAM,
        JSON.stringify({ ...CONFIG, validateUrl: `${hanging.url}/validate`, validateTimeoutMs: 4500 }),
      );
      const key = await createTestKey();
      const token = await signToken(key, { sub: "u", iss: CONFIG.issuer, aud: CONFIG.clientId });
      const event = viewerRequestEvent({
        uri: "/docs/",
        headers: PAGE_LOAD_HEADERS,
        cookieHeaders: [`__Host-sso-at=${token}`],
      });
      const logs: Array<Record<string, unknown>> = [];
      const started = Date.now();
      const res = await lambda(logs)(event, context);
      const elapsed = Date.now() - started;
      expect(res).toMatchObject({ status: "503" });
      expect(logs.at(-1)).toMatchObject({ outcome: "unavailable", reason: "validate_timeout" });
      expect(elapsed).toBeGreaterThanOrEqual(SLOW_SSM_MS);
      expect(elapsed).toBeLessThan(REQUEST_BUDGET_MS + 300);
    } finally {
      await hanging.close();
    }
    // Its own limit: the request takes most of 5 s by design, close to vitest's default on a busy machine.
  }, 10_000);

  it("answers 500 and logs, never throws, for an event without a CloudFront record", async () => {
    await writeFile(join(dir, "config.json"), JSON.stringify(CONFIG));
    const logs: Array<Record<string, unknown>> = [];
    const handler = lambda(logs);
    for (const event of [{}, { Records: [] }, { Records: [{}] }, null]) {
      const res = await handler(event as unknown as Parameters<typeof handler>[0], context);
      expect(res).toMatchObject({ status: "500" });
    }
    expect(logs.filter((l) => l.reason === "internal_error").length).toBe(4);
  });

  it("answers 503 and names the field when the parameter holds an invalid config", async () => {
    const logs: Array<Record<string, unknown>> = [];
    ssm.setParameter(PARAM, JSON.stringify({ ...CONFIG, validateUrl: "ftp://nope" }));
    expect(await lambda(logs)(publicPage(), context)).toMatchObject({ status: "503" });
    expect(logs.at(-1)).toMatchObject({ errorCode: "config_invalid", field: "validateUrl" });
  });

  for (const [what, bad, field] of [
    ["an unknown key", { requiredRole: ["staff"] }, "requiredRole"],
    ["a glob with a dot segment", { publicPaths: ["/public/../*"] }, "publicPaths[0]"],
    [
      "a glob with an encoded slash",
      { requiredRoles: { "/staff%2F*": ["staff"] } },
      'requiredRoles["/staff%2F*"]',
    ],
    ["a glob that is not a string", { publicPaths: [7] }, "publicPaths"],
  ] as const) {
    it(`answers 503 (never an open site) and names the field for a config with ${what}`, async () => {
      const logs: Array<Record<string, unknown>> = [];
      ssm.setParameter(PARAM, JSON.stringify({ ...CONFIG, ...bad }));
      expect(await lambda(logs)(publicPage(), context)).toMatchObject({ status: "503" });
      expect(logs.at(-1)).toMatchObject({ level: "error", errorCode: "config_invalid", field });
    });
  }

  it("serves once an invalid config is fixed, after the retry window and not before", async () => {
    let clock = 1_000_000;
    const logs: Array<Record<string, unknown>> = [];
    const handler = lambda(logs, () => clock);
    ssm.setParameter(PARAM, JSON.stringify({ ...CONFIG, publicPaths: "/public/*" }));
    expect(await handler(publicPage(), context)).toMatchObject({ status: "503" });
    ssm.setParameter(PARAM, JSON.stringify(CONFIG));
    expect(await handler(publicPage(), context)).toMatchObject({ status: "503" });
    expect(logs.at(-1)).toMatchObject({ reason: "config_unavailable", detail: "backoff" });
    expect(ssm.calls).toHaveLength(1);
    clock += CONFIG_RETRY_MS;
    expect(await handler(publicPage(), context)).toMatchObject({ uri: "/public/index.html" });
    expect(ssm.calls).toHaveLength(2);
  });

  it("answers 503 when the parameter does not exist", async () => {
    const logs: Array<Record<string, unknown>> = [];
    const res = await lambda(logs)(publicPage(), { functionName: "us-east-1.other-site" });
    expect(res).toMatchObject({ status: "503" });
    expect(logs.at(-1)).toMatchObject({ errorCode: "config_invalid", field: "(ssm)" });
  });
});

describe("SSM throttling and the last good config", () => {
  it("retries a throttled cold start with backoff and serves the request", async () => {
    ssm.throttleNext(3);
    const res = await lambda()(publicPage(), context);
    expect(res).toMatchObject({ uri: "/public/index.html" });
    expect(ssm.calls.length).toBe(4);
  });

  it("gets a burst of cold containers through while SSM throttles the first calls", async () => {
    ssm.throttleNext(10);
    const results = await Promise.all(Array.from({ length: 12 }, () => lambda()(publicPage(), context)));
    for (const res of results) expect(res).toMatchObject({ uri: "/public/index.html" });
  });

  it("answers 503 and logs, within the request, when SSM keeps throttling", async () => {
    const logs: Array<Record<string, unknown>> = [];
    ssm.throttleNext(1000);
    expect(await lambda(logs)(publicPage(), context)).toMatchObject({ status: "503" });
    expect(logs.at(-1)).toMatchObject({ reason: "config_unavailable", errorCode: "upstream_unavailable" });
    expect(ssm.calls.length).toBeGreaterThan(1);
    ssm.throttleNext(0);
  });

  it("does not retry a missing parameter", async () => {
    await lambda()(publicPage(), { functionName: "us-east-1.other-site" });
    expect(ssm.calls.length).toBe(1);
  });

  it("keeps serving the last good config when a later reload fails, and takes a changed one once SSM answers", async () => {
    let clock = 1_000_000;
    const logs: Array<Record<string, unknown>> = [];
    const handler = lambda(logs, () => clock);
    expect(await handler(publicPage(), context)).toMatchObject({ uri: "/public/index.html" });

    clock += CONFIG_RELOAD_MS;
    ssm.setMode("garbage");
    // Served at once by the last good config; the reload runs beside it and fails.
    expect(await handler(publicPage(), context)).toMatchObject({ uri: "/public/index.html" });
    await vi.waitFor(
      () =>
        expect(logs.some((l) => l.message === "config reload failed, keeping the last good config")).toBe(
          true,
        ),
      { timeout: 5000 },
    );
    expect(await handler(publicPage(), context)).toMatchObject({ uri: "/public/index.html" });

    ssm.setMode("up");
    ssm.setParameter(PARAM, JSON.stringify({ ...CONFIG, publicPaths: [] }));
    clock += CONFIG_RELOAD_MS;
    await handler(publicPage(), context);
    await vi.waitFor(() => expect(logs.some((l) => l.message === "config reloaded")).toBe(true), {
      timeout: 5000,
    });
    // A reload that reads an invalid config keeps the last good one.
    ssm.setParameter(PARAM, JSON.stringify({ ...CONFIG, requiredRole: ["staff"] }));
    clock += CONFIG_RELOAD_MS;
    await handler(publicPage(), context);
    await vi.waitFor(
      () =>
        expect(
          logs.filter((l) => l.message === "config reload failed, keeping the last good config"),
        ).toHaveLength(2),
      { timeout: 5000 },
    );
    const failed = logs.filter((l) => l.message === "config reload failed, keeping the last good config");
    expect(failed.at(-1)).toMatchObject({ errorCode: "config_invalid", field: "requiredRole" });
    // /public/ is no longer public: the edge answers itself (its IdP here is unreachable) instead of
    // passing the page on.
    expect(await handler(publicPage(), context)).not.toHaveProperty("uri");
  }, 15_000);
});

describe("config.json beside the bundle", () => {
  it("is used when present, and SSM is never asked", async () => {
    await writeFile(join(dir, "config.json"), JSON.stringify(CONFIG));
    const res = await lambda()(publicPage(), context);
    expect(res).toMatchObject({ uri: "/public/index.html" });
    expect(ssm.calls).toEqual([]);
  });

  it("that is not valid JSON gives a 503, not a crash", async () => {
    await writeFile(join(dir, "config.json"), "{ nope");
    const logs: Array<Record<string, unknown>> = [];
    expect(await lambda(logs)(publicPage(), context)).toMatchObject({ status: "503" });
    expect(logs.at(-1)).toMatchObject({ errorCode: "config_invalid" });
  });
});
