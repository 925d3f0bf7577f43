// Plain JavaScript, not TypeScript: the child processes that load the shipped bundle run without a loader
// (tsx would add its own start-up time and memory to what they measure), and the parent uses the same loop.

/** Nearest-rank percentile of ascending samples. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * Calls `fn` one call at a time (as a Lambda container serves requests) for a warm-up, then for `loopMs`,
 * timing each call with the monotonic clock. `warmupIterations`, when given, replaces the timed warm-up. Returns p50/p99 in milliseconds and calls per second.
 */
export async function measureLoop(fn, { warmupMs, loopMs, maxIterations, warmupIterations }) {
  const warmupEnd = performance.now() + warmupMs;
  let warmups = 0;
  while (
    warmupIterations === undefined ? performance.now() < warmupEnd || warmups < 3 : warmups < warmupIterations
  ) {
    await fn(warmups);
    warmups++;
  }
  const samples = new Float64Array(maxIterations);
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(loopMs * 1e6));
  let n = 0;
  let now = started;
  while (n < maxIterations && (now < deadline || n < 10)) {
    const t0 = process.hrtime.bigint();
    await fn(warmups + n);
    now = process.hrtime.bigint();
    samples[n++] = Number(now - t0) / 1e6;
  }
  return summarize(samples, n, Number(now - started) / 1e6);
}

/**
 * The first `n` samples (ms) as a LoopResult. Calls per second over `elapsedMs`, or, when the calls were
 * interleaved with another side's, over their own sum (one after another, as one container serves them).
 */
export function summarize(samples, n, elapsedMs) {
  const sorted = samples.subarray(0, n).sort();
  let sum = 0;
  for (const s of sorted) sum += s;
  return {
    iterations: n,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sum / n,
    perSecond: n / ((elapsedMs ?? sum) / 1000),
  };
}
