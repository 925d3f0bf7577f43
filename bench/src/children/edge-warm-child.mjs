// One warm scenario of the edge handler in a fresh process, as one Lambda@Edge container serving one kind
// of traffic: the shipped bundle (config.json beside it) loaded once, then the scenario's loop; finally the
// process's peak RSS. Without `bundleDir` the handler is a stub that does nothing (the control): the same
// harness, loop, events and heap flags, so the difference in peak RSS is the handler's own.
// usage: node edge-warm-child.mjs <job.json>; writes its result as JSON to fd 3.
import { readFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { freshEvent, lambdaContext } from "./fresh-event.mjs";
import { measureLoop } from "./measure-loop.mjs";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { scenario } = job;

/**
 * Tokens kept off the JS heap: one Buffer of newline-separated tokens and their offsets; each call slices
 * its token out as a new string, as each request brings its own cookie.
 */
function tokenReader(file) {
  const bytes = readFileSync(file);
  const starts = [0];
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) starts.push(i + 1);
  const offsets = Uint32Array.from(starts);
  return {
    count: offsets.length,
    at: (i) =>
      bytes.toString("latin1", offsets[i], i + 1 < offsets.length ? offsets[i + 1] - 1 : bytes.length),
  };
}
const tokens = scenario.tokensFile ? tokenReader(scenario.tokensFile) : undefined;

// Node plus this harness, its job and its tokens, before the handler is loaded.
const baselineRssMb = process.memoryUsage().rss / 2 ** 20;

const STUB_REDIRECT = { status: "302", statusDescription: "Found", headers: {} };
const handler = job.bundleDir
  ? createRequire(import.meta.url)(join(job.bundleDir, "index.js")).handler
  : async (event) => (scenario.expect === "302" ? STUB_REDIRECT : event.Records[0].cf.request);

function outcome(response) {
  return response && response.status !== undefined ? String(response.status) : "forward";
}

// Scenarios that must miss every cache put a token never used before into the cookie of each call.
const eventFor = tokens
  ? (index) => {
      if (index >= tokens.count) throw new Error(`${scenario.name}: ran out of tokens`);
      const e = freshEvent(scenario.event, index);
      const cookie = e.Records[0].cf.request.headers.cookie[0];
      cookie.value = cookie.value.replace("{token}", tokens.at(index));
      return e;
    }
  : (index) => freshEvent(scenario.event, index);

async function call(index) {
  const got = outcome(await handler(eventFor(index), lambdaContext(index)));
  if (got !== scenario.expect)
    throw new Error(`${scenario.name}: expected ${scenario.expect}, the handler answered ${got}`);
}

if (scenario.prime) await call(0); // fills the validation cache before the loop
const loop = await measureLoop(call, scenario.loop);
writeSync(3, JSON.stringify({ loop, maxRssMb: process.resourceUsage().maxRSS / 1024, baselineRssMb }));
