// A bounded load test of the local stack on loopback, in either edge mode: the CloudFront emulator with a
// signed-in session (lambda-edge: the built edge function on every request; cloudfront-function: the
// built CloudFront Function in its sandbox, the page never reaching Lambda@Edge) and the validation
// API. Each target runs for a fixed time and stops by itself. `pnpm --filter @static-sso/security load
// [--mode lambda-edge|cloudfront-function]` prints the numbers (both modes without --mode).

import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { signRequest } from "@static-sso/shared";
import {
  EDGE_MODES,
  type EdgeMode,
  LOCAL_API_REGION,
  LOCAL_EDGE_CREDENTIALS,
  startStack,
} from "@static-sso/stack";
import autocannon from "autocannon";
import { SiteBrowser } from "./site-browser.js";

export interface LoadResult {
  target: string;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** Log lines the stack wrote while this target ran (the edge's, the function's, the API's). */
  logLines: string[];
}

export interface LoadOptions {
  /** Per target; at most 5. */
  seconds?: number;
  connections?: number;
  /** Default lambda-edge. */
  mode?: EdgeMode;
  /**
   * Also load the validation API (default: in lambda-edge mode only; it serves both modes alike, and
   * the fast path's page views never call it).
   */
  validate?: boolean;
}

/** The stack's JSON log lines on stdout: the edge bundle's and the API's (timestamp first), the function's. */
const STACK_LINE = /^\{"(timestamp|fn)"/;

/**
 * Starts the stack in `mode` (embedded IdP, validation API, CloudFront emulator with the built edge
 * bundle, and in cloudfront-function mode the built CloudFront Function) on free loopback ports, signs
 * alice in through it, then loads `GET /docs/` with her session (and `POST /validate` with her access
 * token). The load generator shares the process with the stack, so the numbers are a floor.
 */
export async function runLoad(options: LoadOptions = {}): Promise<LoadResult[]> {
  const seconds = Math.min(options.seconds ?? 5, 5);
  const connections = options.connections ?? 10;
  const mode = options.mode ?? "lambda-edge";
  const validate = options.validate ?? mode === "lambda-edge";
  const stack = await startStack({ sitePort: 0, apiPort: 0, idpPort: 0, mode });
  // The stack's log lines go to stdout; under load they would flood the report. Keep them for the
  // caller instead (a signed-in page view should write none: passes are not logged).
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = String(chunk);
    if (!STACK_LINE.test(text)) return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    lines.push(...text.split("\n").filter(Boolean));
    return true;
  }) as typeof process.stdout.write;
  try {
    const browser = new SiteBrowser(stack.siteUrl);
    const end = await browser.login(`${stack.siteUrl}/docs/`, "alice", "alice-password");
    if (end.status !== 200) throw new Error(`login through the stack ended with ${end.status}`);
    const cookie = [...browser.siteJar].map(([k, v]) => `${k}=${v}`).join("; ");
    const session = browser.siteJar.get(
      mode === "cloudfront-function" ? "__Host-sso-session" : "__Host-sso-at",
    );
    if (!session) throw new Error("no session cookie after login");
    // The login's redirects are logged (at info): the capture below sees the stack's lines.
    if (lines.length === 0) throw new Error("no log line captured during the login");

    const run = async (target: string, o: Parameters<typeof autocannon>[0]): Promise<LoadResult> => {
      const from = lines.length;
      const r = await autocannon({ connections, duration: seconds, ...o });
      return {
        target,
        requests: r.requests.total,
        perSecond: Math.round(r.requests.total / (r.duration || seconds)),
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
        logLines: lines.slice(from),
      };
    };
    const results = [
      await run(`edge emulator (${mode}) GET /docs/ (session cookie)`, {
        url: `${stack.siteUrl}/docs/`,
        headers: { cookie, accept: "text/html", "sec-fetch-mode": "navigate" },
      }),
    ];
    if (validate) {
      const access = browser.siteJar.get("__Host-sso-at");
      if (!access) throw new Error("no access token cookie after login");
      results.push(
        await run("validation API POST /validate (SigV4-signed, as the edge calls it)", {
          url: stack.validateUrl,
          method: "POST",
          ...(await signedValidateCall(stack.validateUrl, access)),
        }),
      );
    }
    return results;
  } finally {
    process.stdout.write = write;
    await stack.stop();
  }
}

/**
 * One validation call signed as the edge signs it (the local IAM check refuses anything else). The
 * signature holds for its 5-minute window, so the load generator may send the same request again.
 */
async function signedValidateCall(url: string, token: string) {
  const target = new URL(url);
  const body = JSON.stringify({ token });
  const headers = await signRequest(
    {
      method: "POST",
      protocol: target.protocol,
      hostname: target.hostname,
      path: target.pathname,
      headers: { "content-type": "application/json", host: target.host },
      body,
    },
    {
      credentials: LOCAL_EDGE_CREDENTIALS,
      region: LOCAL_API_REGION,
      service: "execute-api",
      signingDate: new Date(),
    },
  );
  return { headers, body };
}

export function formatLoad(results: LoadResult[]): string {
  return results
    .map(
      (r) =>
        `${r.target}: ${r.requests} requests, ${r.perSecond} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.logLines.length} log lines`,
    )
    .join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { mode: { type: "string" } } });
  const modes = values.mode ? [values.mode as EdgeMode] : EDGE_MODES;
  for (const mode of modes) {
    if (!EDGE_MODES.includes(mode)) throw new Error(`--mode must be one of ${EDGE_MODES.join(", ")}`);
    const results = await runLoad({ mode });
    console.log(formatLoad(results));
    if (results.some((r) => r.non2xx > 0 || r.errors > 0 || r.requests === 0)) process.exitCode = 1;
  }
}
