import { TokenError } from "@static-sso/shared";
import type { APIGatewayProxyEventV2 } from "aws-lambda";

export type TokenRequest =
  | { ok: true; token: string; source: "header" | "body" }
  | { ok: false; error: TokenError };

/** Room for `{"token": "..."}` around a token of the largest accepted size. */
const BODY_SLACK_BYTES = 1024;
/** Room for `Bearer ` and surrounding whitespace around a token of the largest accepted size. */
const HEADER_SLACK_CHARS = 256;

/**
 * Finds the token in a `POST /validate` request: `Authorization: Bearer <jwt>` or a JSON body
 * `{"token": "<jwt>"}` (the edge's way, signed with SigV4, whose Authorization header is not a token). A header or body larger than the biggest acceptable token (plus room for what
 * surrounds it) is not parsed at all and answers `token_malformed`, the same code a too-large token gets.
 */
export function readToken(event: APIGatewayProxyEventV2, maxTokenBytes: number): TokenRequest {
  const header = tokenFromHeader(event, maxTokenBytes);
  if (header instanceof TokenError) return { ok: false, error: header };
  const body = tokenFromBody(event, maxTokenBytes);
  if (body instanceof TokenError) return { ok: false, error: body };
  if (header !== undefined && body !== undefined && header !== body) {
    return fail("bad_request", "two different tokens were sent, in the header and in the body");
  }
  const token = header ?? body;
  if (token === undefined) {
    return fail(
      "token_missing",
      'no token: send Authorization: Bearer <jwt> or a JSON body {"token": "<jwt>"}',
    );
  }
  return { ok: true, token, source: header !== undefined ? "header" : "body" };
}

function fail(code: TokenError["code"], message: string): TokenRequest {
  return { ok: false, error: new TokenError(code, message) };
}

/** The bearer token in the Authorization header, none (absent, blank or SigV4), or why it is refused. */
function tokenFromHeader(
  event: APIGatewayProxyEventV2,
  maxTokenBytes: number,
): string | undefined | TokenError {
  const authorization = headerOf(event.headers, "authorization");
  if (authorization === undefined) return undefined;
  if (typeof authorization !== "string")
    return new TokenError("bad_request", "the Authorization header is not text");
  // Length first: nothing below ever looks at more than an acceptable header's worth of text.
  if (authorization.length > maxTokenBytes + HEADER_SLACK_CHARS) {
    return new TokenError(
      "token_malformed",
      `the Authorization header is larger than any accepted token (${maxTokenBytes} bytes)`,
    );
  }
  // With IAM authorization API Gateway has checked this signature and passes the header on; the
  // token is then in the body.
  const bearer = isSigV4(authorization) ? undefined : bearerToken(authorization);
  if (bearer === false) {
    return new TokenError("bad_request", "the Authorization header is not of the form: Bearer <token>");
  }
  return bearer;
}

/** The token of a JSON body `{"token": "<jwt>"}`, none (no body, a blank one, no token), or why it is refused. */
function tokenFromBody(
  event: APIGatewayProxyEventV2,
  maxTokenBytes: number,
): string | undefined | TokenError {
  const rawBody = event.body ?? "";
  if (typeof rawBody !== "string") return new TokenError("bad_request", "the request body is not text");
  if (rawBody === "") return undefined;
  const maxBody = maxTokenBytes + BODY_SLACK_BYTES;
  // Base64 is 4/3 of the bytes it carries: compare before decoding anything.
  const bodyBytes = event.isBase64Encoded ? Math.floor((rawBody.length * 3) / 4) : rawBody.length;
  if (bodyBytes > maxBody) {
    return new TokenError(
      "token_malformed",
      `the request body is larger than any accepted token (${maxTokenBytes} bytes)`,
    );
  }
  const text = event.isBase64Encoded ? Buffer.from(rawBody, "base64").toString("utf8") : rawBody;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A blank body is no token rather than bad JSON; only a body that fails to parse is looked at.
    if (text.trim() === "") return undefined;
    return new TokenError("bad_request", 'the body is not JSON; send {"token": "<jwt>"}');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return new TokenError("bad_request", 'the body is not a JSON object; send {"token": "<jwt>"}');
  }
  const token = (parsed as Record<string, unknown>).token;
  if (token !== undefined && token !== null && typeof token !== "string") {
    return new TokenError("bad_request", "the body's token is not a string");
  }
  return token || undefined;
}

/**
 * The header's value, its name matched in any letter case: API Gateway lower-cases names in payload 2.0
 * (and so does the local server), but a hand-built event may not. Values under several spellings are
 * joined with commas, as API Gateway joins a repeated header.
 */
function headerOf(headers: unknown, name: string): unknown {
  if (typeof headers !== "object" || headers === null) return undefined;
  const record = headers as Record<string, unknown>;
  const exact = record[name];
  if (exact !== undefined && exact !== null) return exact;
  let found: unknown;
  for (const key of Object.keys(record)) {
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    const value = record[key];
    if (value === undefined || value === null) continue;
    found = found === undefined ? value : `${String(found)},${String(value)}`;
  }
  return found;
}

/** A SigV4 `Authorization` header (`AWS4-HMAC-SHA256 Credential=...`). */
function isSigV4(header: string): boolean {
  return header.trimStart().startsWith("AWS4-HMAC-SHA256 ");
}

/**
 * `Bearer <token>` read with string operations (a backtracking pattern over a long run of spaces was
 * quadratic): the token, `undefined` when the header is blank or carries the scheme alone, `false`
 * when it is not of that form. The scheme is matched in any letter case; whitespace is what `\s` matches.
 */
function bearerToken(header: string): string | false | undefined {
  const value = header.trim();
  if (value === "") return undefined;
  if (value.length < 6 || value.slice(0, 6).toLowerCase() !== "bearer") return false;
  if (value.length === 6) return undefined;
  const rest = value.slice(6);
  const token = rest.trimStart();
  if (token.length === rest.length) return false; // "Bearerx": no space after the scheme
  if (/\s/.test(token)) return false; // two words after the scheme (one character class: linear)
  return token;
}
