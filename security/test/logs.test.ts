// Everything the edge, the validation API (and the IdP, on stdout/stderr) logs during a full
// login / page / refresh / role refusal / logout flow and a round of attacks, checked for secrets: no
// JWT-shaped text, and none of the token, code, client secret, PKCE verifier or cookie values seen.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FlowTarget, SITE, startFlowTarget } from "../src/flow-target.js";
import { forge } from "../src/forge-token.js";

let t: FlowTarget;
let offsetMs = 0;
const secrets = new Set<string>();
const stdio: string[] = [];

/** Remember a value that must never be logged (short ones would match by chance and prove nothing). */
function secret(value: string | null | undefined) {
  if (value && value.length >= 8) secrets.add(value);
}

beforeAll(async () => {
  // At debug, so plain passes write their line too: no line at any level may hold a secret.
  t = await startFlowTarget({ now: () => Date.now() + offsetMs, edge: { logLevel: "debug" } });
  secret(t.idp.clientSecret);
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk) => {
      stdio.push(String(chunk));
      return true;
    });
  }

  // The full flow, as alice: login, pages, refresh after expiry, logout; bob's refusal on /staff/.
  const alice = t.browser();
  const atCallback = await alice.login(`${SITE}/staff/`, "alice", "alice-password", true);
  const callback = new URL(atCallback.location as string, atCallback.url);
  secret(callback.searchParams.get("code"));
  for (const [name, value] of alice.siteJar) {
    secret(value);
    if (name.startsWith("__Host-sso-st-")) {
      const state = JSON.parse(Buffer.from(value, "base64url").toString()) as Record<string, string>;
      secret(state.v); // the PKCE verifier
      secret(state.n);
    }
  }
  expect((await alice.request(callback.href)).status).toBe(302);
  expect((await alice.request(`${SITE}/staff/`)).origin).toBe(true);
  offsetMs = 10 * 60_000; // the access token has expired for the edge: refresh
  const refreshed = await alice.request(`${SITE}/docs/`);
  offsetMs = 0;
  expect(refreshed.status).toBe(302);
  for (const value of alice.siteJar.values()) secret(value);
  expect((await alice.request(`${SITE}/docs/`)).origin).toBe(true);
  const session = [...alice.siteJar.values()];
  const logout = await alice.follow(`${SITE}/_auth/logout`, (next) => next.startsWith(SITE));
  expect(logout.status).toBeGreaterThanOrEqual(300);

  const bob = t.browser();
  await bob.login(`${SITE}/`, "bob", "bob-password");
  for (const value of bob.siteJar.values()) secret(value);
  expect((await bob.request(`${SITE}/staff/`)).status).toBe(403);

  // Attacks: a replayed session after logout, forged tokens, a wrong state, a replayed code.
  const mallory = t.browser();
  for (const [i, value] of session.entries()) mallory.siteJar.set(i === 0 ? "__Host-sso-at" : `x${i}`, value);
  await mallory.request(`${SITE}/docs/`);
  const forged = forge(
    { alg: "none" },
    { sub: "admin", exp: 4_000_000_000, nonce: randomBytes(12).toString("hex") },
  );
  secret(forged);
  mallory.siteJar.set("__Host-sso-at", forged);
  await mallory.request(`${SITE}/docs/`);
  await mallory.request(callback.href);
  await mallory.request(
    `${SITE}/_auth/callback?code=${callback.searchParams.get("code")}&state=AAAAAAAAAAAAAAAAAAAAAA`,
  );
  for (const line of t.setCookies) secret(line.split(";")[0]?.split("=").slice(1).join("="));
}, 60_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await t?.close();
});

const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.?[A-Za-z0-9_-]*/;

describe("log output", () => {
  it("has one JSON line per edge request, in the one schema, for every outcome the flow went through", () => {
    const edge = t.logs.find("fn", "edge-auth").filter((l) => l.message === "request");
    for (const line of edge) {
      expect(typeof line.requestId).toBe("string");
      expect(typeof line.outcome).toBe("string");
      expect(typeof line.reason).toBe("string");
      expect(typeof line.durationMs).toBe("number");
    }
    const outcomes = new Set(edge.map((l) => l.outcome));
    for (const o of ["login", "callback", "pass", "logout"]) expect(outcomes).toContain(o);
    // Plain passes at debug, everything else at info or above.
    for (const line of edge)
      expect(line.level === "debug", JSON.stringify(line)).toBe(line.outcome === "pass");
    // The validation API's lines in the same schema (its successes at debug, captured here).
    const api = t.logs.find("fn", "validate-api").filter((l) => l.message === "request");
    expect(api.length).toBeGreaterThan(3);
    for (const line of api)
      expect(line).toMatchObject({ outcome: expect.any(String), reason: expect.any(String) });
    expect(secrets.size).toBeGreaterThan(8);
  });

  it("never contains a JWT-shaped string", () => {
    for (const line of [...t.logs.lines, ...stdio]) expect(line).not.toMatch(JWT_SHAPED);
  });

  it("never contains a token, code, client secret, PKCE verifier, nonce or cookie value seen in the flow", () => {
    const all = [...t.logs.lines, ...stdio].join("\n");
    for (const value of secrets)
      expect(all.includes(value), `a secret of ${value.length} chars was logged`).toBe(false);
  });
});
