// Our edge handler, warm: the shipped bundle (config.json beside it) loaded once, as in one Lambda@Edge
// container, then each scenario's loop; finally the process's peak RSS over all of them.
// usage: node edge-warm-child.mjs <job.json>; writes its result as JSON to fd 3.
import { readFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { freshEvent, lambdaContext } from "./fresh-event.mjs";
import { measureLoop } from "./measure-loop.mjs";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { handler } = createRequire(import.meta.url)(join(job.bundleDir, "index.js"));

function outcome(response) {
  return response && response.status !== undefined ? String(response.status) : "forward";
}

const results = {};
for (const scenario of job.scenarios) {
  const { events, expect } = scenario;
  async function call(index) {
    // Scenarios that must miss every cache give each call its own event (its own token).
    if (scenario.distinct && index >= events.length) throw new Error(`${scenario.name}: ran out of tokens`);
    const response = await handler(freshEvent(events[index % events.length], index), lambdaContext(index));
    const got = outcome(response);
    if (got !== expect) throw new Error(`${scenario.name}: expected ${expect}, the handler answered ${got}`);
  }
  if (scenario.prime) await call(0); // fills the validation cache before the loop
  results[scenario.name] = await measureLoop(call, scenario.loop);
}
const usage = process.resourceUsage();
writeSync(
  3,
  JSON.stringify({
    scenarios: results,
    maxRssMb: usage.maxRSS / 1024,
    rssMb: process.memoryUsage().rss / 2 ** 20,
  }),
);
