import { createDeadline } from "@static-sso/shared";
import { describe, expect, it } from "vitest";
import { retryWithJitter } from "../../src/config/retry-with-jitter.js";

class Retryable extends Error {}

/** A fake clock the sleeps move, so the deadline is exact and nothing waits. */
function setup(budgetMs: number, random = () => 1) {
  let t = 0;
  const waits: number[] = [];
  const deadline = createDeadline(() => t, budgetMs);
  const options = {
    deadline,
    attemptCapMs: 1000,
    minAttemptMs: 100,
    baseMs: 100,
    capMs: 800,
    retryable: (e: unknown) => e instanceof Retryable,
    random,
    sleep: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
  };
  return { options, waits, spend: (ms: number) => (t += ms) };
}

describe("retryWithJitter", () => {
  it("retries retryable failures, waiting up to base * 2^n capped (full jitter), until one succeeds", async () => {
    const { options, waits } = setup(10_000);
    let n = 0;
    const value = await retryWithJitter(async () => {
      if (n++ < 5) throw new Retryable();
      return "ok";
    }, options);
    expect(value).toBe("ok");
    expect(waits).toEqual([100, 200, 400, 800, 800]);
  });

  it("draws each wait at random below its ceiling", async () => {
    const { options, waits } = setup(10_000, () => 0.5);
    let n = 0;
    await retryWithJitter(async () => {
      if (n++ < 2) throw new Retryable();
    }, options);
    expect(waits).toEqual([50, 100]);
  });

  it("throws a failure that is not retryable at once", async () => {
    const { options, waits } = setup(10_000);
    const error = new Error("ParameterNotFound");
    await expect(retryWithJitter(async () => Promise.reject(error), options)).rejects.toBe(error);
    expect(waits).toEqual([]);
  });

  it("gives up with the last error when the deadline leaves no room for another attempt", async () => {
    const { options, spend } = setup(1000);
    let attempts = 0;
    await expect(
      retryWithJitter(async () => {
        attempts++;
        spend(300);
        throw new Retryable();
      }, options),
    ).rejects.toBeInstanceOf(Retryable);
    // 300 + 100 wait, 300 + 200 wait (100 left: just room for a third), 300: none left for a fourth.
    expect(attempts).toBe(3);
  });

  it("gives each attempt at most its cap and never more than the time left", async () => {
    const { options, spend } = setup(1500);
    const given: number[] = [];
    await retryWithJitter(async (timeoutMs) => {
      given.push(timeoutMs);
      if (given.length === 1) {
        spend(900);
        throw new Retryable();
      }
    }, options);
    expect(given).toEqual([1000, 500]);
  });
});
