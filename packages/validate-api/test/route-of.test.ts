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
});
