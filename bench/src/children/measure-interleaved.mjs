// Plain JavaScript for the same reason as measure-loop.mjs: the handler's child runs it without a loader.
import { summarize } from "./measure-loop.mjs";

/**
 * Two async functions in one process, called turn about: one call of each per step, A then B, then B
 * then A (so neither always follows the other), each call timed on its own. Both see the same machine
 * at the same moment (what the other processes on it do hits both alike, a call apart), the same heap
 * and the same warm-up; both get the same `index`, so they can take the same input. After `warmupMs` of
 * such steps, `rounds` rounds of `roundMs` each (both sides' time together); returns each round's two
 * loops.
 */
export async function measureInterleaved(a, b, { warmupMs, rounds, roundMs, maxIterations }) {
  let index = 0;
  const warmupEnd = performance.now() + warmupMs;
  while (performance.now() < warmupEnd || index < 3) {
    await a(index);
    await b(index);
    index++;
  }
  const out = [];
  for (let r = 0; r < rounds; r++) {
    const sa = new Float64Array(maxIterations);
    const sb = new Float64Array(maxIterations);
    const deadline = performance.now() + roundMs;
    let n = 0;
    let t0 = performance.now();
    while (n < maxIterations && (t0 < deadline || n < 10)) {
      if (n % 2 === 0) {
        await a(index);
        const t1 = performance.now();
        await b(index);
        const t2 = performance.now();
        sa[n] = t1 - t0;
        sb[n] = t2 - t1;
        t0 = t2;
      } else {
        await b(index);
        const t1 = performance.now();
        await a(index);
        const t2 = performance.now();
        sb[n] = t1 - t0;
        sa[n] = t2 - t1;
        t0 = t2;
      }
      n++;
      index++;
    }
    out.push({ a: summarize(sa, n), b: summarize(sb, n) });
  }
  return out;
}
