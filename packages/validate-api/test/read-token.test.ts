import { describe, expect, it } from "vitest";
import { readToken } from "../src/read-token.js";
import { apiEvent } from "./fixtures.js";

const codeOf = (r: ReturnType<typeof readToken>) => (r.ok ? `token from ${r.source}` : r.error.code);

describe("readToken", () => {
  it("takes the token from Authorization: Bearer", () => {
    expect(readToken(apiEvent({ headers: { authorization: "Bearer a.b.c" } }), 100)).toEqual({
      ok: true,
      token: "a.b.c",
      source: "header",
    });
  });

  it('takes the token from a JSON body {"token"}', () => {
    expect(codeOf(readToken(apiEvent({ body: '{"token":"a.b.c"}' }), 100))).toBe("token from body");
  });

  it("accepts the same token in both places", () => {
    const event = apiEvent({ headers: { authorization: "Bearer a.b.c" }, body: '{"token":"a.b.c"}' });
    expect(codeOf(readToken(event, 100))).toBe("token from header");
  });

  it("reads the body's token when API Gateway passes on the caller's SigV4 Authorization header (IAM auth)", () => {
    const sigv4 =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
      "0".repeat(64);
    const event = apiEvent({ headers: { authorization: sigv4 }, body: '{"token":"a.b.c"}' });
    expect(readToken(event, 100)).toEqual({ ok: true, token: "a.b.c", source: "body" });
  });

  it("answers Bearer without a token with token_missing", () => {
    expect(codeOf(readToken(apiEvent({ headers: { authorization: "Bearer " } }), 100))).toBe("token_missing");
  });

  it("answers an empty token in the body with token_missing", () => {
    expect(codeOf(readToken(apiEvent({ body: '{"token":""}' }), 100))).toBe("token_missing");
  });

  it("answers a blank body (whitespace only, plain or base64) with token_missing, and a body that is not JSON with bad_request", () => {
    expect(codeOf(readToken(apiEvent({ body: " \n\t " }), 100))).toBe("token_missing");
    const blank64 = Buffer.from("  \r\n").toString("base64");
    expect(codeOf(readToken(apiEvent({ body: blank64, isBase64Encoded: true }), 100))).toBe("token_missing");
    expect(codeOf(readToken(apiEvent({ body: " token=a.b.c " }), 100))).toBe("bad_request");
  });

  it("answers a token that is not a string with bad_request", () => {
    expect(codeOf(readToken(apiEvent({ body: '{"token":42}' }), 100))).toBe("bad_request");
  });

  it("does not parse a body larger than the biggest accepted token plus its JSON", () => {
    expect(codeOf(readToken(apiEvent({ body: `{"x":"${"a".repeat(2000)}` }), 100))).toBe("token_malformed");
  });

  it("measures a base64 body by the bytes it carries", () => {
    const body = Buffer.from(JSON.stringify({ token: "a.b.c" })).toString("base64");
    expect(codeOf(readToken(apiEvent({ body, isBase64Encoded: true }), 100))).toBe("token from body");
  });

  it("reads the Authorization header under any spelling of its name (a hand-built event)", () => {
    expect(codeOf(readToken(apiEvent({ headers: { Authorization: "Bearer a.b.c" } }), 100))).toBe(
      "token from header",
    );
  });

  it("answers two words after Bearer with bad_request", () => {
    expect(codeOf(readToken(apiEvent({ headers: { authorization: "Bearer a.b.c d" } }), 100))).toBe(
      "bad_request",
    );
  });

  it("answers Bearer glued to its token with bad_request", () => {
    expect(codeOf(readToken(apiEvent({ headers: { authorization: "Bearera.b.c" } }), 100))).toBe(
      "bad_request",
    );
  });

  it("accepts spaces and tabs around the scheme and the token", () => {
    const event = apiEvent({ headers: { authorization: " \tBearer \t a.b.c \t" } });
    expect(readToken(event, 100)).toMatchObject({ ok: true, token: "a.b.c" });
  });

  it("answers an Authorization header longer than any accepted token with token_malformed, unparsed", () => {
    const header = `Bearer${" ".repeat(1024 * 1024)}a b`;
    expect(codeOf(readToken(apiEvent({ headers: { authorization: header } }), 16_384))).toBe(
      "token_malformed",
    );
  });

  it("reads a pathological header just under the size limit in linear time (it answers at all)", () => {
    // Bearer, a long run of spaces, then two words: the shape that made a backtracking regex quadratic.
    const header = `Bearer${" ".repeat(16_384)}a b`;
    expect(codeOf(readToken(apiEvent({ headers: { authorization: header } }), 16_384))).toBe("bad_request");
  });

  it("answers a header or body that is not text with bad_request", () => {
    const event = apiEvent();
    (event.headers as Record<string, unknown>).authorization = 42;
    expect(codeOf(readToken(event, 100))).toBe("bad_request");
    const body = apiEvent();
    (body as { body?: unknown }).body = { token: "a.b.c" };
    expect(codeOf(readToken(body, 100))).toBe("bad_request");
  });
});
