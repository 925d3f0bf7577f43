// One warm loop in a fresh process with a 256 MB Lambda's heap flags (the validation API's default memory)
// and stdout to /dev/null: either the validation API's shipped handler (dist/index.js, configured from
// environment variables as Lambda does, LOG_LEVEL unset: the default level), each call an HTTP API payload
// 2.0 event with its own request id, its log line (if the level writes one) through process.stdout.write;
// or bare jose.jwtVerify with the key imported beforehand, the ceiling, in the same kind of process.
// usage: node validate-handler-child.mjs <job.json>; writes its result as JSON to fd 3.
import { readFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { measureLoop } from "./measure-loop.mjs";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));

const context = (index) => ({
  functionName: "bench-validate-api",
  functionVersion: "$LATEST",
  awsRequestId: `bench-${index}`,
  getRemainingTimeInMillis: () => 10_000,
});

/** The handler as Lambda runs it: a new event object per invocation (the runtime parses each one). */
function handlerCall() {
  Object.assign(process.env, job.env);
  const { handler } = createRequire(import.meta.url)(join(job.bundleDir, "index.js"));
  const { requestContext } = job.event;
  return async (index) => {
    const event = {
      ...job.event,
      requestContext: { ...requestContext, requestId: `${requestContext.requestId}-${index}` },
    };
    const response = await handler(event, context(index));
    if (response.statusCode !== 200)
      throw new Error(`the handler answered ${response.statusCode}: ${response.body}`);
  };
}

async function bareCall() {
  const { importJWK, jwtVerify } = await import("jose");
  const key = await importJWK(job.publicJwk, job.verify.algorithms[0]);
  return async () => {
    await jwtVerify(job.token, key, job.verify);
  };
}

const call = job.mode === "handler" ? handlerCall() : await bareCall();
const loop = await measureLoop(call, job.loop);
writeSync(3, JSON.stringify({ loop, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
