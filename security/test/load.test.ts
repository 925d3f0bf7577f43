// A bounded load test on loopback (see src/load.ts), in both edge modes: the local stack's CloudFront
// emulator with a valid session (lambda-edge: the built edge function; cloudfront-function: the built
// CloudFront Function, the page never reaching Lambda@Edge), and the validation API. No errors and no
// non-2xx answers, and no log line for a signed-in page; the numbers are printed.
import { describe, expect, it } from "vitest";
import { EDGE_MODES } from "../src/function-target.js";
import { formatLoad, runLoad } from "../src/load.js";

describe.each(EDGE_MODES)("the local stack under load (%s)", (mode) => {
  it("serves a signed-in page (and validates a token) under load without errors or non-2xx answers", async () => {
    const results = await runLoad({ mode, seconds: 3, connections: 10 });
    console.log(formatLoad(results));
    expect(results.map((r) => r.target)).toEqual(
      mode === "lambda-edge"
        ? [expect.stringContaining("GET /docs/"), expect.stringContaining("POST /validate")]
        : [expect.stringContaining("GET /docs/")],
    );
    for (const r of results) {
      expect(r.requests, r.target).toBeGreaterThan(100);
      expect(r.non2xx, r.target).toBe(0);
      expect(r.errors, r.target).toBe(0);
      // A pass is not logged at the default level, by the edge, the function or the API.
      expect(r.logLines, r.target).toEqual([]);
    }
  }, 60_000);
});
