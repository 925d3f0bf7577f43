// What a fresh Node process pays for its first HTTP request on loopback, with fetch() (undici, loaded on
// first use) or with node:http: the part of a cold start that any network call adds, our code aside.
// usage: node first-request-child.cjs fetch|http <url>; writes {ms} as JSON to fd 3.
"use strict";
const { writeSync } = require("node:fs");

const [mode, url] = process.argv.slice(2);
const started = performance.now();
const done = () => {
  writeSync(3, JSON.stringify({ ms: performance.now() - started }));
  process.exit(0);
};
if (mode === "fetch") {
  fetch(url)
    .then((res) => res.text())
    .then(done);
} else {
  require("node:http").get(url, (res) => {
    res.resume();
    res.on("end", done);
  });
}
