import { describe, expect, it } from "vitest";
import { createDeadline, REQUEST_BUDGET_MS } from "../src/deadline.js";

function clockAt(start: number) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

describe("createDeadline", () => {
  it("gives the next call the cap while the budget has more than that left", () => {
    const clock = clockAt(1_000);
    const deadline = createDeadline(clock.now, 2_000);
    clock.t += 500;
    expect(deadline.remaining(1_000)).toBe(1_000);
  });

  it("gives the next call only what is left of the budget when that is less than the cap", () => {
    const clock = clockAt(0);
    const deadline = createDeadline(clock.now, 2_000);
    clock.t = 1_700;
    expect(deadline.remaining(1_000)).toBe(300);
  });

  it("answers 0, never a negative time, once the budget is spent", () => {
    const clock = clockAt(0);
    const deadline = createDeadline(clock.now, 2_000);
    clock.t = 2_000;
    expect(deadline.remaining(1_000)).toBe(0);
    clock.t = 9_000;
    expect(deadline.remaining(1_000)).toBe(0);
  });

  it("measures the budget from when it was created", () => {
    const clock = clockAt(50_000);
    const deadline = createDeadline(clock.now, 100);
    clock.t += 40;
    expect(deadline.remaining(Number.POSITIVE_INFINITY)).toBe(60);
  });

  it("defaults to the Lambda@Edge request budget, under its 5 s limit", () => {
    const clock = clockAt(0);
    const deadline = createDeadline(clock.now);
    expect(deadline.remaining(Number.POSITIVE_INFINITY)).toBe(REQUEST_BUDGET_MS);
    expect(REQUEST_BUDGET_MS).toBeLessThan(5_000);
  });
});
