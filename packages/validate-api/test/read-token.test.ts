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

  it("answers Bearer without a token with token_missing", () => {
    expect(codeOf(readToken(apiEvent({ headers: { authorization: "Bearer " } }), 100))).toBe("token_missing");
  });

  it("answers an empty token in the body with token_missing", () => {
    expect(codeOf(readToken(apiEvent({ body: '{"token":""}' }), 100))).toBe("token_missing");
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
});
