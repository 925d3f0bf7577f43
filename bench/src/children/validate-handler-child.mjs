// The validation API's shipped handler against bare jose.jwtVerify, in one process with a 256 MB
// Lambda's heap flags (the API's default memory) and stdout to /dev/null, called turn about
// (measureInterleaved), so both see the same machine, heap and warm-up.
// - The handler: dist/index.js, configured from environment variables as Lambda does (LOG_LEVEL unset:
//   the default level), each call an HTTP API payload 2.0 event with its own request id; its log line,
//   if the level writes one, goes through process.stdout.write.
// - Bare: jose.jwtVerify with the key imported as the handler's key cache holds it (a CryptoKey from
//   jose's JWK import), the same tokens in the same order, the same checks, nothing else.
// usage: node validate-handler-child.mjs <job.json>; writes its result as JSON to fd 3.
import { readFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { measureInterleaved } from "./measure-interleaved.mjs";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { tokens } = job;

/**
 * The handler as Lambda calls it. The runtime parses every event from JSON before the handler runs:
 * that parse is not the handler's cost, so the events are parsed here, before any timing, a ring of
 * them (token i % tokens.length at step i, as bare verifies, several request ids per token).
 */
function handlerCall() {
  Object.assign(process.env, job.env);
  const { handler } = createRequire(import.meta.url)(join(job.bundleDir, "index.js"));
  const ring = [];
  for (let i = 0; i < tokens.length * 4; i++) {
    const event = JSON.parse(job.events[i % tokens.length]);
    event.requestContext.requestId = `${event.requestContext.requestId}-${i}`;
    const context = {
      functionName: "bench-validate-api",
      functionVersion: "$LATEST",
      awsRequestId: `bench-${i}`,
      getRemainingTimeInMillis: () => 10_000,
    };
    ring.push([event, context]);
  }
  return async (index) => {
    const [event, context] = ring[index % ring.length];
    const response = await handler(event, context);
    if (response.statusCode !== 200)
      throw new Error(`the handler answered ${response.statusCode}: ${response.body}`);
  };
}

async function bareCall() {
  const { importJWK, jwtVerify } = await import("jose");
  const key = await importJWK(job.publicJwk, job.verify.algorithms[0]);
  const { verify } = job;
  return async (index) => {
    await jwtVerify(tokens[index % tokens.length], key, verify);
  };
}

const handler = handlerCall();
const bare = await bareCall();
const rounds = await measureInterleaved(handler, bare, job.options);
writeSync(
  3,
  JSON.stringify({
    rounds: rounds.map((r) => ({ handler: r.a, bare: r.b })),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
