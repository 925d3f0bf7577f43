// The baseline for the cold start: how long a bare Node process takes before any code of ours runs.
"use strict";
require("node:fs").writeSync(3, JSON.stringify({ startedAt: performance.now() }));
