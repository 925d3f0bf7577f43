// The handler's one JSON log line per request, written alone: what our cached request would pay at
// logLevel debug (a plain pass logs at debug, off by default) that cognito-at-edge (logging "silent")
// does not. The shipped bundle answers the cached-session event twice
// (the first call fills the validation cache), with process.stdout.write intercepted, to capture the real
// `request` line of a cache hit; the loop then builds an object of the same keys and values (each call's own
// requestId, as the handler's) and writes `JSON.stringify(object) + "\n"` with process.stdout.write, as the
// logger does. Stdout is /dev/null, as for the edge's warm child.
// usage: node log-write-child.mjs <job.json>; writes its result as JSON to fd 3.
import { readFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { freshEvent, lambdaContext } from "./fresh-event.mjs";
import { measureLoop } from "./measure-loop.mjs";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { handler } = createRequire(import.meta.url)(join(job.bundleDir, "index.js"));

const requestIdPrefix = `${job.event.Records[0].cf.config.requestId}-`;
const written = [];
const stdoutWrite = process.stdout.write;
process.stdout.write = (chunk) => {
  written.push(String(chunk));
  return true;
};
try {
  for (const index of [0, 1]) {
    const response = await handler(freshEvent(job.event, index), lambdaContext(index));
    if (!response || response.status !== undefined)
      throw new Error(`the handler did not forward the cached session's request: status ${response?.status}`);
  }
} finally {
  process.stdout.write = stdoutWrite;
}
const lines = written.join("").split("\n").filter(Boolean);
const template = lines
  .map((l) => JSON.parse(l))
  .find((o) => o.message === "request" && o.requestId === `${requestIdPrefix}1`);
if (template?.outcome !== "pass" || template.cache !== "hit")
  throw new Error(`the handler wrote no request line of a cache hit: ${JSON.stringify(lines)}`);
const keys = Object.keys(template);

function call(index) {
  const line = {};
  for (const key of keys) line[key] = template[key];
  line.requestId = `${requestIdPrefix}${index}`; // the handler's line carries each call's own id
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const loop = await measureLoop(call, job.loop);
writeSync(
  3,
  JSON.stringify({
    loop,
    line: `${JSON.stringify(template)}\n`,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
