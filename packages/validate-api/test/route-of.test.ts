import { describe, expect, it } from "vitest";
import { routeOf } from "../src/route-of.js";
import { apiEvent } from "./fixtures.js";

describe("routeOf", () => {
  it("reads method and rawPath of a $default-stage event", () => {
    expect(routeOf(apiEvent({ method: "POST", path: "/validate" }))).toEqual({
      method: "POST",
      path: "/validate",
    });
  });

  it("strips a named stage from rawPath", () => {
    const event = apiEvent({ method: "GET", path: "/prod/health" });
    event.requestContext.stage = "prod";
    expect(routeOf(event)).toEqual({ method: "GET", path: "/health" });
  });

  it("ignores a trailing slash", () => {
    expect(routeOf(apiEvent({ path: "/validate/" })).path).toBe("/validate");
  });

  it("strips a long run of trailing slashes in linear time (it answers at all)", () => {
    expect(routeOf(apiEvent({ path: `/validate${"/".repeat(1024 * 1024)}` })).path).toBe("/validate");
    expect(routeOf(apiEvent({ path: `/${"/".repeat(1024 * 1024)}x` })).path).toBe(
      `/${"/".repeat(1024 * 1024)}x`,
    );
  });

  it("keeps the root path /", () => {
    expect(routeOf(apiEvent({ path: "//" })).path).toBe("/");
  });
});
