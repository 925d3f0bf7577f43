// Our edge handler, warm: the shipped bundle (config.json beside it) loaded once, as in one Lambda@Edge
// container, then each scenario's loop; finally the process's peak RSS over all of them.
// usage: node edge-warm-child.mjs <job.json>; writes its result as JSON to fd 3.
import { readFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { freshEvent, lambdaContext } from "./fresh-event.mjs";
import { measureLoop } from "./measure-loop.mjs";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
// Node plus this harness and its job (the tokens), before the handler is loaded.
const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
const { handler } = createRequire(import.meta.url)(join(job.bundleDir, "index.js"));

function outcome(response) {
  return response && response.status !== undefined ? String(response.status) : "forward";
}

const results = {};
const rssAfter = {};
for (const scenario of job.scenarios) {
  const { event, expect, tokens } = scenario;
  // Scenarios that must miss every cache put a token never used before into the cookie of each call.
  const eventFor = tokens
    ? (index) => {
        if (index >= tokens.length) throw new Error(`${scenario.name}: ran out of tokens`);
        const e = freshEvent(event, index);
        const cookie = e.Records[0].cf.request.headers.cookie[0];
        cookie.value = cookie.value.replace("{token}", tokens[index]);
        return e;
      }
    : (index) => freshEvent(event, index);
  async function call(index) {
    const got = outcome(await handler(eventFor(index), lambdaContext(index)));
    if (got !== expect) throw new Error(`${scenario.name}: expected ${expect}, the handler answered ${got}`);
  }
  if (scenario.prime) await call(0); // fills the validation cache before the loop
  results[scenario.name] = await measureLoop(call, scenario.loop);
  rssAfter[scenario.name] = process.memoryUsage().rss / 2 ** 20;
}
writeSync(
  3,
  JSON.stringify({
    scenarios: results,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    baselineRssMb,
    rssAfter,
  }),
);
