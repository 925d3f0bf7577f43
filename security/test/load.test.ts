// A bounded load test on loopback (see src/load.ts): the local stack's edge emulator with a valid
// session, and the validation API. No errors and no non-2xx answers; the numbers are printed.
import { expect, it } from "vitest";
import { formatLoad, runLoad } from "../src/load.js";

it("serves a signed-in page and validates a token under load without errors or non-2xx answers", async () => {
  const results = await runLoad({ seconds: 3, connections: 10 });
  console.log(formatLoad(results));
  for (const r of results) {
    expect(r.requests, r.target).toBeGreaterThan(100);
    expect(r.non2xx, r.target).toBe(0);
    expect(r.errors, r.target).toBe(0);
  }
}, 60_000);
