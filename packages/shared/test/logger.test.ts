import { describe, expect, it } from "vitest";
import { createLogger, isLogLevel } from "../src/logger.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, sink: (line: string) => lines.push(JSON.parse(line)) };
}

describe("createLogger", () => {
  it("writes one JSON object per call with the base fields", () => {
    const { lines, sink } = capture();
    createLogger({ requestId: "r-1" }, { sink }).info("decided", { decision: "allow" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: "info",
      message: "decided",
      requestId: "r-1",
      decision: "allow",
    });
  });

  it("never writes the values of secret-looking keys", () => {
    const { lines, sink } = capture();
    createLogger({}, { sink }).warn("x", {
      accessToken: "eyJ.secret",
      clientSecret: "s3",
      cookie: "a=b",
      code: "abc",
    });
    const text = JSON.stringify(lines);
    for (const secret of ["eyJ.secret", "s3", "a=b", "abc"]) expect(text).not.toContain(secret);
  });

  it("drops lines below the minimum level and keeps child fields", () => {
    const { lines, sink } = capture();
    const log = createLogger({ a: 1 }, { sink, level: "warn" }).child({ b: 2 });
    log.info("hidden");
    log.error("shown");
    expect(lines).toEqual([expect.objectContaining({ message: "shown", a: 1, b: 2 })]);
  });

  it("writes nothing at debug by default (info is the default level)", () => {
    const { lines, sink } = capture();
    const log = createLogger({}, { sink });
    log.debug("hidden");
    log.info("shown");
    expect(lines.map((l) => l.message)).toEqual(["shown"]);
  });

  it("says which levels it writes, as its lines do, children included", () => {
    const { lines, sink } = capture();
    const log = createLogger({}, { sink, level: "warn" }).child({ b: 2 });
    const levels = ["debug", "info", "warn", "error"] as const;
    expect(levels.map((level) => log.enabled?.(level))).toEqual([false, false, true, true]);
    for (const level of levels) log[level](level);
    expect(lines.map((l) => l.message)).toEqual(levels.filter((level) => log.enabled?.(level)));
    expect(createLogger({}, { sink }).enabled?.("debug")).toBe(false);
  });
});

describe("isLogLevel", () => {
  it("accepts the four levels and nothing else", () => {
    for (const level of ["debug", "info", "warn", "error"]) expect(isLogLevel(level)).toBe(true);
    for (const other of ["DEBUG", "trace", "", undefined, 1]) expect(isLogLevel(other)).toBe(false);
  });
});
