export interface LoopOptions {
  warmupMs: number;
  loopMs: number;
  maxIterations: number;
  /** Warm up with exactly this many calls instead of for `warmupMs`. */
  warmupIterations?: number;
}

export interface LoopResult {
  iterations: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Sequential calls per second: one call at a time, as one Lambda container serves requests. */
  perSecond: number;
}

export function percentile(sorted: ArrayLike<number>, p: number): number;

/** The first `n` samples (ms) as a LoopResult; calls/s over `elapsedMs`, or over the samples' own sum. */
export function summarize(samples: Float64Array, n: number, elapsedMs?: number): LoopResult;

/** `fn` receives the call's index (warm-up calls first), so a caller can vary its input per call. */
export function measureLoop(fn: (index: number) => unknown, options: LoopOptions): Promise<LoopResult>;
