// Loads an HTTP endpoint with autocannon from its own process, so the load generator does not share an
// event loop with the server it measures. usage: node http-load-child.mjs <job.json>; result on fd 3.
import { readFileSync, writeSync } from "node:fs";
import autocannon from "autocannon";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const result = await autocannon({
  url: job.url,
  method: job.method,
  headers: job.headers,
  body: job.body,
  connections: job.connections,
  ...(job.amount ? { amount: job.amount } : { duration: job.seconds }),
});
const answered = result.requests.total;
writeSync(
  3,
  JSON.stringify({
    requests: answered,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    perSecond: answered / (result.duration || 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    connections: job.connections,
  }),
);
