import { describe, expect, it } from "vitest";
import {
  COOKIE_CHUNK_BYTES,
  cookieNames,
  MAX_SESSION_COOKIE_BYTES,
  parseCookieHeaders,
  readChunked,
  SessionTooLargeError,
  sessionSetCookies,
  splitIntoCookies,
  stripOwnCookies,
} from "../../src/session/cookies.js";

const names = cookieNames("sso");

describe("session cookies", () => {
  it("are named with the __Host- prefix and the configured cookie prefix", () => {
    expect(names.session).toEqual({ access: "__Host-sso-at", id: "__Host-sso-id", refresh: "__Host-sso-rt" });
  });

  it("split a token too large for one cookie and join it back", () => {
    const token = "x".repeat(COOKIE_CHUNK_BYTES * 2 + 10);
    const parts = splitIntoCookies(names.session.access, token);
    expect(parts.map(([n]) => n)).toEqual(["__Host-sso-at.0", "__Host-sso-at.1", "__Host-sso-at.2"]);
    for (const [name, value] of parts) expect(name.length + value.length).toBeLessThan(4000);
    expect(readChunked(new Map(parts), names.session.access)).toBe(token);
  });

  it("count a chunk's size as sent, URL-encoded, so an opaque token with + / = still fits each cookie", () => {
    const token = "a+b/c=".repeat(1000); // 6,000 characters, 10,000 bytes once encoded
    const parts = splitIntoCookies(names.session.refresh, token);
    for (const [, value] of parts)
      expect(encodeURIComponent(value).length).toBeLessThanOrEqual(COOKIE_CHUNK_BYTES);
    expect(parts.map(([, v]) => v).join("")).toBe(token);
    const sent = sessionSetCookies(names, { refresh: token }, new Map()).map((l) => l.split(";")[0] ?? "");
    const back = parseCookieHeaders([sent.join("; ")]);
    expect(readChunked(back, names.session.refresh)).toBe(token);
  });

  it("leave out the ID token first when the session would not fit the cookie budget", () => {
    const access = "a".repeat(MAX_SESSION_COOKIE_BYTES - 2000);
    const lines = sessionSetCookies(names, { access, id: "i".repeat(3000), refresh: "r" }, new Map());
    expect(lines.some((l) => l.startsWith("__Host-sso-id"))).toBe(false);
    expect(lines.some((l) => l.startsWith("__Host-sso-rt=r"))).toBe(true);
  });

  it("refuse a session that does not fit the cookie budget even without the ID token", () => {
    expect(() =>
      sessionSetCookies(names, { access: "a".repeat(MAX_SESSION_COOKIE_BYTES + 1) }, new Map()),
    ).toThrow(SessionTooLargeError);
  });

  it("keep a token that fits in one cookie under the plain name", () => {
    expect(splitIntoCookies(names.session.access, "abc")).toEqual([["__Host-sso-at", "abc"]]);
  });

  it("expire chunks the browser still holds from a longer old token", () => {
    const present = new Map([
      ["__Host-sso-at.0", "a"],
      ["__Host-sso-at.1", "b"],
    ]);
    const lines = sessionSetCookies(names, { access: "short" }, present);
    expect(lines).toContain("__Host-sso-at=short; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(lines.filter((l) => l.includes("Max-Age=0")).map((l) => l.split("=")[0])).toEqual([
      "__Host-sso-at.0",
      "__Host-sso-at.1",
    ]);
  });

  it("are read from every cookie header CloudFront passes", () => {
    const cookies = parseCookieHeaders(["a=1; __Host-sso-at=t", "b=2"]);
    expect([...cookies]).toEqual([
      ["a", "1"],
      ["__Host-sso-at", "t"],
      ["b", "2"],
    ]);
  });

  it("are removed from the cookie headers passed to the origin, others kept as sent", () => {
    const out = stripOwnCookies(["a=1; __Host-sso-at=t;b=%20", "__Host-sso-st-abc=s", "c=3"], names);
    expect(out).toEqual(["a=1; b=%20", "c=3"]);
  });
});
