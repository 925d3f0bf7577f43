// One cold start: a fresh process requires the shipped bundle (with its config.json beside it) and
// handles one request. CommonJS and no loader, as the Lambda runtime loads index.js.
// usage: node cold-start-child.cjs <bundleDir> <event.json>; writes its timings as JSON to fd 3.
"use strict";
const startedAt = performance.now(); // ms since this process started (performance.timeOrigin)
const { readFileSync, writeSync } = require("node:fs");
const { join } = require("node:path");

const event = JSON.parse(readFileSync(process.argv[3], "utf8"));
const context = {
  functionName: "us-east-1.bench-edge-auth",
  functionVersion: "1",
  awsRequestId: "bench-cold",
  getRemainingTimeInMillis: () => 5000,
};
const beforeRequire = performance.now();
const { handler } = require(join(process.argv[2], "index.js"));
const required = performance.now();
handler(event, context).then(
  (response) => {
    const firstResponseAt = performance.now();
    writeSync(
      3,
      JSON.stringify({
        startedAt,
        requireMs: required - beforeRequire,
        firstResponseAt,
        outcome: response && response.status !== undefined ? String(response.status) : "forward",
      }),
    );
    process.exit(0);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
