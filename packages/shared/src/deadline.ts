/** Lambda@Edge stops a viewer-request function at 5 s; every remote call shares this budget. */
export const REQUEST_BUDGET_MS = 4500;

/** A time budget shared by several remote calls: each asks how much is left for it. */
export interface Deadline {
  /** Milliseconds left for the next call, at most `capMs`; 0 when the budget is spent. */
  remaining(capMs: number): number;
}

/** `now` is any monotonic-enough millisecond clock (Date.now, performance.now, a test's frozen clock). */
export function createDeadline(now: () => number, budgetMs = REQUEST_BUDGET_MS): Deadline {
  const end = now() + budgetMs;
  return { remaining: (capMs) => Math.max(0, Math.min(capMs, end - now())) };
}
