import type { Deadline } from "@static-sso/shared";

export interface RetryOptions {
  /** Time left for all attempts and the waits between them. */
  deadline: Deadline;
  /** Most one attempt may take. */
  attemptCapMs: number;
  /** Below this much time left, no new attempt starts (it could not finish usefully). */
  minAttemptMs: number;
  /** Backoff base and cap: wait `random() * min(capMs, baseMs * 2^n)` after failure n (full jitter). */
  baseMs: number;
  capMs: number;
  retryable: (error: unknown) => boolean;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt(timeoutMs)` until it succeeds, fails for a reason not worth retrying, or the deadline
 * leaves no room; then throws the last error. Full jitter (AWS Architecture Blog, "Exponential Backoff
 * and Jitter") spreads a burst of cold starts over the window instead of retrying in lockstep.
 */
export async function retryWithJitter<T>(
  attempt: (timeoutMs: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  for (let n = 0; ; n++) {
    try {
      return await attempt(options.deadline.remaining(options.attemptCapMs));
    } catch (error) {
      if (!options.retryable(error)) throw error;
      const wait = Math.floor(random() * Math.min(options.capMs, options.baseMs * 2 ** n));
      if (options.deadline.remaining(Number.POSITIVE_INFINITY) - wait < options.minAttemptMs) throw error;
      await sleep(wait);
    }
  }
}
