import { TokenError } from "@static-sso/shared";
import type { APIGatewayProxyEventV2 } from "aws-lambda";

export type TokenRequest =
  | { ok: true; token: string; source: "header" | "body" }
  | { ok: false; error: TokenError };

/** Room for `{"token": "..."}` around a token of the largest accepted size. */
const BODY_SLACK_BYTES = 1024;

/**
 * Finds the token in a `POST /validate` request: `Authorization: Bearer <jwt>` or a JSON body
 * `{"token": "<jwt>"}`. A body larger than the biggest acceptable token (plus room for the JSON around it)
 * is not parsed at all and answers `token_malformed`, the same code a too-large token in the header gets.
 */
export function readToken(event: APIGatewayProxyEventV2, maxTokenBytes: number): TokenRequest {
  const fail = (code: TokenError["code"], message: string): TokenRequest => ({
    ok: false,
    error: new TokenError(code, message),
  });
  // API Gateway lower-cases header names in payload 2.0; the local server does the same.
  const authorization = event.headers?.authorization;
  let headerToken: string | undefined;
  if (authorization !== undefined && authorization.trim() !== "") {
    const match = /^\s*Bearer(?:\s+(\S*))?\s*$/i.exec(authorization);
    if (!match) return fail("bad_request", "the Authorization header is not of the form: Bearer <token>");
    headerToken = match[1] || undefined;
  }

  const rawBody = event.body ?? "";
  let bodyToken: string | undefined;
  if (rawBody !== "") {
    const maxBody = maxTokenBytes + BODY_SLACK_BYTES;
    // Base64 is 4/3 of the bytes it carries: compare before decoding anything.
    const bodyBytes = event.isBase64Encoded ? Math.floor((rawBody.length * 3) / 4) : rawBody.length;
    if (bodyBytes > maxBody) {
      return fail(
        "token_malformed",
        `the request body is larger than any accepted token (${maxTokenBytes} bytes)`,
      );
    }
    const text = event.isBase64Encoded ? Buffer.from(rawBody, "base64").toString("utf8") : rawBody;
    if (text.trim() !== "") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return fail("bad_request", 'the body is not JSON; send {"token": "<jwt>"}');
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        return fail("bad_request", 'the body is not a JSON object; send {"token": "<jwt>"}');
      }
      const token = (parsed as Record<string, unknown>).token;
      if (token !== undefined && token !== null && typeof token !== "string") {
        return fail("bad_request", "the body's token is not a string");
      }
      bodyToken = token || undefined;
    }
  }

  if (headerToken !== undefined && bodyToken !== undefined && headerToken !== bodyToken) {
    return fail("bad_request", "two different tokens were sent, in the header and in the body");
  }
  const token = headerToken ?? bodyToken;
  if (token === undefined) {
    return fail(
      "token_missing",
      'no token: send Authorization: Bearer <jwt> or a JSON body {"token": "<jwt>"}',
    );
  }
  return { ok: true, token, source: headerToken !== undefined ? "header" : "body" };
}
