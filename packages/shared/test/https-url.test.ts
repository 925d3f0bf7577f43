import { describe, expect, it } from "vitest";
import { checkHttpsUrl, isHttpsUrl } from "../src/https-url.js";

describe("checkHttpsUrl", () => {
  it.each([
    "https://idp.example/realms/demo",
    "http://localhost:8080/x",
    "http://127.0.0.1:3001/validate",
    "http://[::1]/",
  ])("accepts %s", (value) => {
    expect(checkHttpsUrl("f", value)).toBe(value);
  });

  it.each(["http://idp.example/realms/demo", "ftp://localhost/", "not a url", "javascript:alert(1)"])(
    "refuses %s with a ConfigError naming the field",
    (value) => {
      expect(() => checkHttpsUrl("issuer", value)).toThrow(
        expect.objectContaining({ code: "config_invalid", field: "issuer" }),
      );
    },
  );
});

describe("isHttpsUrl", () => {
  it.each([
    ["https://idp.example/x", true],
    ["http://localhost:8080/x", true],
    ["http://idp.example/x", false],
    ["javascript:alert(1)", false],
    [null, false],
    [42, false],
  ])("says %s is %s", (value, expected) => {
    expect(isHttpsUrl(value)).toBe(expected);
  });
});
