import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler } from "../src/index.js";
import { Browser, type Page } from "./fixtures/browser.js";
import { expectGenerated } from "./fixtures/expect-generated.js";
import { type LoginStack, SITE, startLoginStack } from "./fixtures/login-stack.js";

// The validation API behind the local IAM check (SigV4, as API Gateway's IAM authorization): only the
// edge signing with these credentials gets an answer.
const ROLE = {
  accessKeyId: "AKIDEDGEROLETEST0001",
  secretAccessKey: "edge-role-test-secret",
  sessionToken: "edge-role-test-session",
};
const ROLE_ENV = {
  AWS_ACCESS_KEY_ID: ROLE.accessKeyId,
  AWS_SECRET_ACCESS_KEY: ROLE.secretAccessKey,
  AWS_SESSION_TOKEN: ROLE.sessionToken,
};

let stack: LoginStack;
beforeAll(async () => {
  stack = await startLoginStack(
    { validateAuth: "iam", validateRegion: "eu-west-1" },
    { iam: { credentials: ROLE, region: "eu-west-1" } },
  );
});
afterAll(() => stack?.stop());

function edge(env: NodeJS.ProcessEnv) {
  const logs: Array<Record<string, unknown>> = [];
  const handler = createHandler(stack.config, { env, logSink: (l) => logs.push(JSON.parse(l)) });
  return { browser: new Browser(handler, SITE), logs };
}

const atOrigin = (page: Page) => expect(page.at).toBe("origin");

describe("validation calls signed with the edge role (validateAuth iam)", () => {
  it("signs in and serves pages when the IAM check accepts the signature", async () => {
    const { browser } = edge(ROLE_ENV);
    atOrigin(await browser.login(`${SITE}/docs/`, "alice", "alice-password"));
    atOrigin(await browser.request(`${SITE}/staff/`));
  });

  it("answers its 503 page and logs validate_forbidden when the API refuses the signature (wrong secret)", async () => {
    const signedIn = edge(ROLE_ENV);
    await signedIn.browser.login(`${SITE}/`, "bob", "bob-password");
    const { browser, logs } = edge({ ...ROLE_ENV, AWS_SECRET_ACCESS_KEY: "not-the-role-secret" });
    for (const [k, v] of signedIn.browser.siteCookies) browser.setSiteCookie(k, v);
    const res = expectGenerated(await browser.request(`${SITE}/docs/`), "503");
    expect(res.body).toContain("Temporarily unavailable");
    expect(logs.at(-1)).toMatchObject({ outcome: "unavailable", reason: "validate_forbidden", status: 503 });
  });

  it("answers 503 without calling the API when the runtime gives no credentials", async () => {
    const signedIn = edge(ROLE_ENV);
    await signedIn.browser.login(`${SITE}/`, "bob", "bob-password");
    const { browser, logs } = edge({});
    for (const [k, v] of signedIn.browser.siteCookies) browser.setSiteCookie(k, v);
    expectGenerated(await browser.request(`${SITE}/docs/`), "503");
    expect(logs.at(-1)).toMatchObject({ outcome: "unavailable", reason: "validate_sign_failed" });
  });
});
