import { afterEach, describe, expect, it } from "vitest";
import { type SignalWatch, stopOnSignals } from "../src/stop-on-signals.js";

describe("stopOnSignals", () => {
  let watch: SignalWatch | undefined;
  afterEach(() => watch?.dispose());

  /** A stop that finishes only when the test says so, like Keycloak and PostgreSQL shutting down. */
  function slowStop() {
    let finish = () => {};
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    return { stop: () => done, finish };
  }

  it("stops once, and exits only after the stop has finished, however often Ctrl-C is pressed", async () => {
    const { stop, finish } = slowStop();
    let stops = 0;
    const exits: number[] = [];
    const lines: string[] = [];
    watch = stopOnSignals({
      stop: () => {
        stops++;
        return stop();
      },
      exit: (code) => exits.push(code),
      say: (line) => lines.push(line),
      signals: ["SIGUSR2"],
      parentCheckMs: 0,
    });

    process.emit("SIGUSR2", "SIGUSR2");
    process.emit("SIGUSR2", "SIGUSR2");
    process.emit("SIGUSR2", "SIGUSR2");
    await new Promise((resolve) => setImmediate(resolve));

    expect(stops).toBe(1);
    expect(exits).toEqual([]);
    expect(lines[0]).toMatch(/stopping…, please wait/);
    expect(lines.filter((l) => l.includes("still stopping, please wait"))).toHaveLength(2);
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([0]);
  });

  it("exits with 1 when the stop fails, saying why", async () => {
    const exits: number[] = [];
    const lines: string[] = [];
    watch = stopOnSignals({
      stop: () => Promise.reject(new Error("pg_ctl said no")),
      exit: (code) => exits.push(code),
      say: (line) => lines.push(line),
      signals: ["SIGUSR2"],
      parentCheckMs: 0,
    });

    await watch.stopNow("test");

    expect(lines.some((l) => l.includes("pg_ctl said no"))).toBe(true);
    expect(exits).toEqual([1]);
  });
});
