import { randomBytes } from "node:crypto";
import { mintSessionToken } from "@static-sso/authz-core";
import { buildSessionCheck, CURRENT_KEY, PREVIOUS_KEY } from "@static-sso/session-check";
import { hmacSha256 } from "@static-sso/shared";
import { cloudFrontFunctionEvent, loadCloudFrontFunction } from "@static-sso/stack/function-sandbox";
import { type LoopResult, measureLoop } from "./children/measure-loop.mjs";
import type { Scale } from "./scale.js";

/** The fast path's CloudFront Function for the demo site, in the local cloudfront-js-2.0 sandbox. */
export interface SessionCheckResults {
  /** The function's code as uploaded (CloudFront's limit: 10,240 B). */
  codeBytes: number;
  /** A valid session cookie with the role, on a protected page: KVS read, HMAC, pass on. */
  valid: LoopResult;
  /** No cookie on a protected page: a 302 to /_auth/login. */
  redirect: LoopResult;
  /** A public page: canonical path and rules only. */
  publicPage: LoopResult;
  /** The control: a function that returns the request as it is, in the same sandbox (its own cost). */
  control: LoopResult;
}

const DEMO_RULES = { publicPaths: ["/public/*"], requiredRoles: { "/staff/*": ["staff"] } };

/**
 * Times one call at a time, in this process, of the function file as built for the demo site. The
 * sandbox passes events in and results out as JSON and runs a fresh script per call, so each figure
 * includes that; the control's figure is that part alone. CloudFront runs the function on its own
 * engine at the edge: the figures compare paths here, they are not CloudFront's compute utilization.
 */
export async function measureSessionCheck(scale: Scale): Promise<SessionCheckResults> {
  const built = await buildSessionCheck(DEMO_RULES);
  const secret = randomBytes(32).toString("base64url");
  const kvs = new Map([
    [CURRENT_KEY, `k2:${secret}`],
    [PREVIOUS_KEY, `k1:${randomBytes(32).toString("base64url")}`],
  ]);
  // No per-call time limit: its watchdog thread would be most of what is timed.
  const fn = loadCloudFrontFunction(built.code, { kvs, timeoutMs: 0 });
  const control = loadCloudFrontFunction("function handler(event) { return event.request; }", {
    timeoutMs: 0,
  });
  const now = Math.floor(Date.now() / 1000);
  const cookie = mintSessionToken(
    { sub: "0d9a7c4e-alice", roles: ["staff"], exp: now + 3600, refresh: true },
    { kid: "k2", secret },
    hmacSha256,
    now,
  );
  const navigate = { accept: "text/html", "sec-fetch-mode": "navigate" };
  const events = {
    valid: cloudFrontFunctionEvent({
      uri: "/staff/",
      headers: navigate,
      cookies: { "__Host-sso-session": cookie },
    }),
    redirect: cloudFrontFunctionEvent({ uri: "/staff/", headers: navigate }),
    publicPage: cloudFrontFunctionEvent({ uri: "/public/index.html", headers: navigate }),
  };
  const expect = (kind: string, result: { kind: string }, what: string) => {
    if (result.kind !== kind) throw new Error(`session-check bench: ${what} gave ${JSON.stringify(result)}`);
  };
  expect("request", fn.run(events.valid), "a valid session");
  expect("response", fn.run(events.redirect), "no session");
  expect("request", fn.run(events.publicPage), "a public page");
  const options = { warmupMs: scale.warmupMs, loopMs: scale.loopMs, maxIterations: scale.maxIterations };
  return {
    codeBytes: built.bytes,
    valid: await measureLoop(() => fn.run(events.valid), options),
    redirect: await measureLoop(() => fn.run(events.redirect), options),
    publicPage: await measureLoop(() => fn.run(events.publicPage), options),
    control: await measureLoop(() => control.run(events.valid), options),
  };
}
