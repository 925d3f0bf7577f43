import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CloudFrontRequest } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Browser, type EdgeFn, locationOf } from "./fixtures/browser.js";
import { expectGenerated } from "./fixtures/expect-generated.js";
import { type LoginStack, SITE, startLoginStack } from "./fixtures/login-stack.js";
import { type SsmEndpoint, startSsmEndpoint } from "./fixtures/ssm-endpoint.js";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
// Under the package's node_modules so that the bundle's one external, @aws-sdk/client-ssm, resolves the
// way the Lambda runtime provides it; ignored by git and biome.
const scratch = join(pkgDir, "node_modules", ".cache", `edge-dist-${randomUUID()}`);
const context = { functionName: "us-east-1.site-auth" };

type LambdaModule = { handler: (event: unknown, ctx: { functionName: string }) => ReturnType<EdgeFn> };

/**
 * index.js as it ships in the zip (built from this source by the package's own build, into a folder of
 * the test's: the same bytes as dist/, see test/build.test.ts), in a directory of its own, loaded with
 * require as Lambda does.
 */
function install(name: string, config?: Record<string, unknown>): LambdaModule {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(scratch, "build", "index.js"), join(dir, "index.js"));
  writeFileSync(join(dir, "package.json"), '{ "type": "commonjs" }\n');
  if (config) writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  return createRequire(join(dir, "index.js"))(join(dir, "index.js")) as LambdaModule;
}

let stack: LoginStack;
let ssm: SsmEndpoint;
beforeAll(async () => {
  // The package's own build script's arguments (its externals included), into a folder of the test's.
  const buildArgs: string[] = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"))
    .scripts.build.split(" ")
    .slice(2);
  execFileSync(
    process.execPath,
    [join(pkgDir, "../../scripts/build-lambda.mjs"), ...buildArgs, "--outdir", join(scratch, "build")],
    { cwd: pkgDir, stdio: "pipe" },
  );
  stack = await startLoginStack();
  ssm = await startSsmEndpoint();
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await ssm?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the built dist/index.js", () => {
  it("runs the whole flow with config.json beside it: login, page, role check, logout", async () => {
    const { handler } = install("file", stack.config);
    const browser = new Browser((event) => handler(event, context), SITE);
    const end = await browser.login(`${SITE}/staff/?from=dist`, "alice", "alice-password");
    expect(end).toMatchObject({
      at: "origin",
      request: { uri: "/staff/index.html", querystring: "from=dist" },
    });
    expect((end as { request: CloudFrontRequest }).request.headers.cookie).toBeUndefined();
    const logout = expectGenerated(
      await browser.request(`${SITE}/_auth/logout`, { headers: { "sec-fetch-site": "same-origin" } }),
      "302",
    );
    expect(locationOf(logout)).toContain(`${stack.idp.issuer}/protocol/openid-connect/logout?id_token_hint=`);
    expect(browser.siteCookies.size).toBe(0);
  });

  it("refreshes a session whose access token the validation API calls expired, in a cold container", async () => {
    const warm = install("refresh-a", stack.config);
    const first = new Browser((event) => warm.handler(event, context), SITE);
    await first.login(`${SITE}/`, "bob", "bob-password");
    const { handler } = install("refresh-b", stack.config);
    const browser = new Browser((event) => handler(event, context), SITE);
    for (const [k, v] of first.siteCookies) browser.setSiteCookie(k, v);
    const oldAccess = browser.siteCookies.get("__Host-sso-at");
    stack.validateClock.advance(10 * 60 * 1000);
    try {
      const res = expectGenerated(await browser.request(`${SITE}/docs/?x=1`), "302");
      expect(locationOf(res)).toBe("/docs/?x=1");
    } finally {
      stack.validateClock.reset();
    }
    expect(browser.siteCookies.get("__Host-sso-at")).not.toBe(oldAccess);
    expect(await browser.request(`${SITE}/docs/?x=1`)).toMatchObject({ at: "origin" });
  });

  it("gives bob a 403 on /staff/ and the page on /", async () => {
    const { handler } = install("bob", stack.config);
    const browser = new Browser((event) => handler(event, context), SITE);
    expect(await browser.login(`${SITE}/`, "bob", "bob-password")).toMatchObject({ at: "origin" });
    expectGenerated(await browser.request(`${SITE}/staff/`), "403");
  });

  it("reads its config from SSM when no config.json is beside it", async () => {
    ssm.setParameter("/static-sso/edge-auth/site-auth/config", JSON.stringify(stack.config));
    vi.stubEnv("AWS_ENDPOINT_URL_SSM", ssm.url);
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    try {
      const { handler } = install("ssm");
      const browser = new Browser((event) => handler(event, context), SITE);
      expect(await browser.login(`${SITE}/`, "bob", "bob-password")).toMatchObject({ at: "origin" });
      expect(ssm.calls.map((c) => c.target)).toEqual(["AmazonSSM.GetParameter"]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("signs its validation calls with the role from the environment, the signer taken from the runtime", async () => {
    const role = {
      accessKeyId: "AKIDDISTTEST00000001",
      secretAccessKey: "dist-secret",
      sessionToken: "dist-st",
    };
    const iamStack = await startLoginStack(
      { validateAuth: "iam", validateRegion: "us-east-1" },
      { iam: { credentials: role, region: "us-east-1" } },
    );
    vi.stubEnv("AWS_ACCESS_KEY_ID", role.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", role.secretAccessKey);
    vi.stubEnv("AWS_SESSION_TOKEN", role.sessionToken);
    try {
      const { handler } = install("iam", iamStack.config);
      const browser = new Browser((event) => handler(event, context), SITE);
      expect(await browser.login(`${SITE}/staff/`, "alice", "alice-password")).toMatchObject({
        at: "origin",
      });
    } finally {
      vi.unstubAllEnvs();
      await iamStack.stop();
    }
  });
});
