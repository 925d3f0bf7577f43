// Everything the edge, the validation API (and the IdP, on stdout/stderr) log during a full
// login / page / refresh / role refusal / logout flow and a round of attacks, in both edge modes, checked
// for secrets: no JWT-shaped or session-token-shaped text, and none of the token, code, client secret,
// PKCE verifier, session key or cookie values seen. In `cloudfront-function` mode the shipped CloudFront
// Function serves the site's paths (its console.log lines are what CloudWatch would bill) and the edge
// handler only `/_auth/*`.
import { randomBytes } from "node:crypto";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FlowTarget, SITE, startFlowTarget } from "../src/flow-target.js";
import { forge } from "../src/forge-token.js";
import {
  EDGE_MODES,
  type EdgeMode,
  fromFunction,
  functionEventOf,
  lambdaSite,
  mintSession,
  newSessionKey,
  SESSION_COOKIE,
  type Served,
} from "../src/function-target.js";

const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.?[A-Za-z0-9_-]*/;
/** A fast-path session token: `v1.<kid>.<payload>.<43-character HMAC>`. */
const SESSION_SHAPED = /v1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{43}/;

/** docs/logging.md, "The request line": the shared keys, and the edge's own (besides its `…Ms` timings). */
const EDGE_LINE_KEYS = new Set([
  "timestamp",
  "level",
  "message",
  "fn",
  "requestId",
  "outcome",
  "reason",
  "status",
  "durationMs",
  "path",
  "cache",
  "detail",
  "cause",
]);

/** One edge request line as docs/logging.md describes it: every key of the schema, typed, and no other. */
function expectEdgeRequestLine(line: Record<string, unknown>) {
  const text = JSON.stringify(line);
  for (const [k, v] of Object.entries(line)) {
    // Timings (validateMs, discoveryMs, grantMs): numbers, named so.
    if (/^[a-z]+Ms$/.test(k)) expect(typeof v, `${k} in ${text}`).toBe("number");
    else expect(EDGE_LINE_KEYS.has(k), `${k} in ${text}`).toBe(true);
  }
  expect(Number.isNaN(Date.parse(String(line.timestamp))), text).toBe(false);
  expect(["debug", "info", "warn", "error"], text).toContain(line.level);
  expect(line.fn).toBe("edge-auth");
  expect(typeof line.requestId, text).toBe("string");
  expect(line.outcome, text).toMatch(/^[a-z_]+$/);
  expect(line.reason, text).toMatch(/^[a-z0-9_-]+$/);
  expect(typeof line.durationMs, text).toBe("number");
  // A status exactly when the edge answered; a plain pass (on to the origin) at debug, the rest above.
  expect(line.status === undefined, text).toBe(line.outcome === "pass");
  if (line.status !== undefined) expect(Number.isInteger(line.status), text).toBe(true);
  expect(line.level === "debug", text).toBe(line.outcome === "pass");
  if (line.path !== undefined) expect(String(line.path), text).not.toMatch(/\?/);
}

describe.each(EDGE_MODES)("log output (%s)", (mode: EdgeMode) => {
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
    t = await startFlowTarget({ mode, now: () => Date.now() + offsetMs, edge: { logLevel: "debug" } });
    secret(t.idp.clientSecret);
    if (t.fast) secret(t.fast.key.secret);
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
    for (const value of alice.siteJar.values()) secret(value);
    expect((await alice.request(`${SITE}/staff/`)).origin).toBe(true);
    if (t.fast) {
      // The function cannot be lied to about the time: give it a session that has expired (as the edge
      // would have minted it earlier), so it sends alice to /_auth/refresh, where the edge refreshes.
      const expired = mintSession(t.fast.key, { roles: ["staff"], ttlSeconds: -10 });
      secret(expired);
      alice.siteJar.set(SESSION_COOKIE, expired);
      const toRefresh = await alice.request(`${SITE}/docs/`);
      expect(toRefresh.location).toMatch(/^\/_auth\/refresh\?/);
      expect((await alice.request(new URL(toRefresh.location as string, SITE).href)).status).toBe(302);
    } else {
      // The access token has expired for the edge (its clock at the token's exp, a new second later than
      // the IdP's issue time, so the refreshed token is not already expired too): refresh.
      await new Promise((r) => setTimeout(r, 2100));
      const access = alice.siteJar.get("__Host-sso-at") ?? "";
      offsetMs = (decodeJwt(access).exp ?? 0) * 1000 - Date.now();
      const refreshed = await alice.request(`${SITE}/docs/`);
      offsetMs = 0;
      expect(refreshed.status).toBe(302);
    }
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
    const sessionName = t.fast ? SESSION_COOKIE : "__Host-sso-at";
    for (const [i, value] of session.entries()) mallory.siteJar.set(i === 0 ? sessionName : `x${i}`, value);
    await mallory.request(`${SITE}/docs/`);
    const forged = forge(
      { alg: "none" },
      { sub: "admin", exp: 4_000_000_000, nonce: randomBytes(12).toString("hex") },
    );
    secret(forged);
    mallory.siteJar.set(sessionName, forged);
    await mallory.request(`${SITE}/docs/`);
    await mallory.request(`${SITE}/public/..%2Fstaff/`);
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

  /** Every line written anywhere: the edge's and the API's, the function's, stdout and stderr. */
  const everything = () => [...t.logs.lines, ...(t.fast?.fn.lines ?? []), ...stdio];

  it("has one JSON line per edge request, in the one schema, for every outcome the flow went through", () => {
    const edge = t.logs.find("fn", "edge-auth").filter((l) => l.message === "request");
    for (const line of edge) expectEdgeRequestLine(line);
    const outcomes = new Set(edge.map((l) => l.outcome));
    for (const o of ["login", "callback", "refresh", "logout"]) expect(outcomes).toContain(o);
    if (mode === "lambda-edge") {
      // Every page view is the edge's: its passes, its refusals (bob's 403).
      for (const o of ["pass", "deny"]) expect(outcomes).toContain(o);
    } else {
      // The fast path: the edge saw /_auth/* and nothing else (the function decided every page view).
      for (const line of edge) expect(String(line.path), JSON.stringify(line)).toMatch(/^\/_auth\//);
    }
    // The validation API's lines in the same schema (its successes at debug, captured here).
    const api = t.logs.find("fn", "validate-api").filter((l) => l.message === "request");
    for (const line of api)
      expect(line).toMatchObject({
        outcome: expect.any(String),
        reason: expect.any(String),
        durationMs: expect.any(Number),
      });
    expect(secrets.size).toBeGreaterThan(8);
  });

  if (mode === "cloudfront-function")
    it("the function logs nothing for a page it lets through, and one line without the cookie for each it answers", () => {
      const calls = t.fast?.calls ?? [];
      const passed = calls.filter((c) => c.served.kind === "origin");
      const answered = calls.filter((c) => c.served.kind === "answer");
      // Not vacuous: the flow had both (alice's pages; the login redirects, the refresh, bob's 403).
      expect(passed.length).toBeGreaterThan(0);
      expect(answered.length).toBeGreaterThan(0);
      for (const call of passed) expect(call.lines, call.uri).toEqual([]);
      const reasons = new Set<unknown>();
      for (const call of answered) {
        expect(call.lines, call.uri).toHaveLength(1);
        const line = JSON.parse(call.lines[0] as string) as Record<string, unknown>;
        // session-check's line (packages/session-check/README.md): these keys, nothing else.
        expect(Object.keys(line).sort(), call.lines[0]).toEqual(
          ["fn", "outcome", "reason", "requestId", "status"].sort(),
        );
        expect(line).toMatchObject({
          fn: "session-check",
          requestId: call.requestId,
          status: call.served.kind === "answer" ? call.served.status : -1,
        });
        expect(line.outcome).toMatch(/^(redirect|unauthorized|forbidden|bad_request|unavailable)$/);
        expect(line.reason).toMatch(/^[a-z0-9_]+$/);
        reasons.add(line.reason);
      }
      for (const r of ["no_session", "token_expired", "role_missing", "path_encoded_separator"])
        expect(reasons).toContain(r);
    });

  // FOUND AND FIXED: the function answered and logged its own words for a refused session
  // (`bad_signature`, `unknown_kid`, `malformed`, `session_expired`, and `malformed` for an empty cookie)
  // where the edge says `signature_invalid`, `key_not_found`, `token_malformed`, `token_expired` and
  // `no_session`: a viewer could tell the runtimes apart by the 401 body, and one CloudWatch query by
  // reason did not cover both.
  if (mode === "cloudfront-function")
    it("the function answers and logs the edge's reason for every kind of refused session", async () => {
      const fast = t.fast as NonNullable<FlowTarget["fast"]>;
      const { key } = fast;
      const sessions: Record<string, string | undefined> = {
        none: undefined,
        empty: "",
        garbage: "not-a-session",
        unknownKid: mintSession(newSessionKey(), { roles: [], ttlSeconds: 300 }),
        otherSecret: mintSession(
          { kid: key.kid, secret: newSessionKey().secret },
          { roles: [], ttlSeconds: 300 },
        ),
        expired: mintSession(key, { roles: [], ttlSeconds: -10, refresh: false }),
        expiredWithRefresh: mintSession(key, { roles: [], ttlSeconds: -10 }),
      };
      const edge = lambdaSite(t.edge);
      const reasonOf = (served: Served) =>
        served.kind === "answer" && served.status === 401
          ? (JSON.parse(served.body) as { reason: string }).reason
          : served.kind === "answer"
            ? `${served.status} ${served.location}`
            : "origin";
      const lastLine = (lines: string[]) => JSON.parse(lines.at(-1) ?? "{}") as { reason?: string };
      for (const [name, value] of Object.entries(sessions)) {
        const request = {
          uri: "/docs/",
          host: "localhost",
          headers: {
            "sec-fetch-mode": ["cors"],
            accept: ["application/json"],
            ...(value !== undefined ? { cookie: [`${SESSION_COOKIE}=${value}`] } : {}),
          },
        };
        const byFunction = fromFunction(fast.fn.fn.run(functionEventOf(request)));
        const byEdge = await edge(request);
        expect(reasonOf(byFunction), name).toBe(reasonOf(byEdge));
        expect(lastLine(fast.fn.lines).reason, name).toBe(lastLine(t.logs.lines).reason);
      }
    });

  it("never contains a JWT-shaped or session-token-shaped string", () => {
    for (const line of everything()) {
      expect(line).not.toMatch(JWT_SHAPED);
      expect(line).not.toMatch(SESSION_SHAPED);
    }
  });

  it("never contains a token, code, client secret, PKCE verifier, nonce, session key or cookie value seen in the flow", () => {
    const all = everything().join("\n");
    for (const value of secrets)
      expect(all.includes(value), `a secret of ${value.length} chars was logged`).toBe(false);
  });
});
