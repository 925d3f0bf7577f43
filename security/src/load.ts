// A bounded load test of the local stack on loopback: the CloudFront emulator running the built edge
// function (with a signed-in session) and the validation API. Each target runs for a fixed time and
// stops by itself. `pnpm --filter @static-sso/security load` prints the numbers.
import { pathToFileURL } from "node:url";
import { signRequest } from "@static-sso/shared";
import { LOCAL_API_REGION, LOCAL_EDGE_CREDENTIALS, startStack } from "@static-sso/stack";
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
}

export interface LoadOptions {
  /** Per target; at most 5. */
  seconds?: number;
  connections?: number;
}

/**
 * Starts the stack (embedded IdP, validation API, CloudFront emulator with the built edge bundle) on free
 * loopback ports, signs alice in, then loads `GET /docs/` with her session and `POST /validate` with her
 * access token. The load generator shares the process with the stack, so the numbers are a floor.
 */
export async function runLoad(options: LoadOptions = {}): Promise<LoadResult[]> {
  const seconds = Math.min(options.seconds ?? 5, 5);
  const connections = options.connections ?? 10;
  const stack = await startStack({ sitePort: 0, apiPort: 0, idpPort: 0, mode: "lambda-edge" });
  // The edge bundle writes one JSON line per request to stdout: thousands under load. Keep them out of
  // the report (they are checked for secrets in logs.test.ts).
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    String(chunk).startsWith('{"timestamp"')
      ? true
      : (write as (...a: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
  try {
    const browser = new SiteBrowser(stack.siteUrl);
    const end = await browser.login(`${stack.siteUrl}/docs/`, "alice", "alice-password");
    if (end.status !== 200) throw new Error(`login through the stack ended with ${end.status}`);
    const cookie = [...browser.siteJar].map(([k, v]) => `${k}=${v}`).join("; ");
    const access = browser.siteJar.get("__Host-sso-at");
    if (!access) throw new Error("no session cookie after login");

    const run = async (target: string, o: Parameters<typeof autocannon>[0]): Promise<LoadResult> => {
      const r = await autocannon({ connections, duration: seconds, ...o });
      return {
        target,
        requests: r.requests.total,
        perSecond: Math.round(r.requests.total / (r.duration || seconds)),
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
      };
    };
    return [
      await run("edge emulator GET /docs/ (session cookie)", {
        url: `${stack.siteUrl}/docs/`,
        headers: { cookie, accept: "text/html", "sec-fetch-mode": "navigate" },
      }),
      await run("validation API POST /validate (SigV4-signed, as the edge calls it)", {
        url: stack.validateUrl,
        method: "POST",
        ...(await signedValidateCall(stack.validateUrl, access)),
      }),
    ];
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
        `${r.target}: ${r.requests} requests, ${r.perSecond} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.non2xx} non-2xx, ${r.errors} errors`,
    )
    .join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await runLoad();
  console.log(formatLoad(results));
  if (results.some((r) => r.non2xx > 0 || r.errors > 0 || r.requests === 0)) process.exitCode = 1;
}
