import { DISALLOWED_RESPONSE_HEADERS } from "./edge-result.js";
import type { FunctionRequest, FunctionResponse } from "./function-sandbox.js";

/** A function's generated response as it goes on the wire. */
export interface RenderedResponse {
  status: number;
  statusMessage?: string;
  /** Header name as CloudFront writes it, and its values (several: one line each). */
  headers: Array<[string, string[]]>;
  body: Buffer;
}

/** What CloudFront does with a function's result: serve `uri` from the origin, send a response, or 502. */
export type FunctionOutcome =
  | { kind: "request"; uri: string }
  | { kind: "response"; response: RenderedResponse }
  | { kind: "invalid"; reason: string };

/** Viewer-request headers a function may read but not change (AWS: "Restrictions on edge functions"). */
const READ_ONLY_REQUEST_HEADERS = ["content-length", "host", "transfer-encoding", "via"];

/** The total size of the URI with its query string must stay under this (same page). */
const MAX_URI_LENGTH = 8192;

type Field = { value?: unknown; multiValue?: unknown; attributes?: unknown };

/** `{name: {value, multiValue?}}` with string values and lower-case names, or why not. */
function fieldsProblem(fields: unknown, what: string, lowerCase: boolean): string | undefined {
  if (fields === undefined) return undefined;
  if (typeof fields !== "object" || fields === null || Array.isArray(fields))
    return `${what} is not an object of {value} fields`;
  for (const [name, field] of Object.entries(fields as Record<string, Field>)) {
    if (lowerCase && name !== name.toLowerCase()) return `${what}: ${name} is not lower-case`;
    if (typeof field !== "object" || field === null || typeof field.value !== "string")
      return `${what}: ${name} has no string value`;
    if (field.attributes !== undefined && typeof field.attributes !== "string")
      return `${what}: ${name} has attributes that are not a string`;
    if (
      field.multiValue !== undefined &&
      (!Array.isArray(field.multiValue) ||
        !field.multiValue.every(
          (m: Field) => typeof m === "object" && m !== null && typeof m.value === "string",
        ))
    )
      return `${what}: ${name} has a multiValue that is not a list of {value}`;
  }
  return undefined;
}

/** Every value of a field: its multiValue when there is one (CloudFront applies that), else its value. */
function valuesOf(field: Field): Field[] {
  return Array.isArray(field.multiValue) ? (field.multiValue as Field[]) : [field];
}

/** `content-type` as `Content-Type`: CloudFront capitalises each word of a function's header names. */
export function headerCase(name: string): string {
  return name
    .split("-")
    .map((w) => (w === "" ? w : (w[0] as string).toUpperCase() + w.slice(1)))
    .join("-");
}

function bodyOf(body: FunctionResponse["body"]): Buffer | string {
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (typeof body !== "object" || body === null || typeof body.data !== "string")
    return "body is neither a string nor {encoding, data}";
  if (body.encoding === "text") return Buffer.from(body.data, "utf8");
  if (body.encoding === "base64") {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body.data) || body.data.length % 4 !== 0)
      return "body.data is not valid base64";
    return Buffer.from(body.data, "base64");
  }
  return "body.encoding is neither text nor base64";
}

function checkResponse(r: FunctionResponse): FunctionOutcome {
  if (!Number.isInteger(r.statusCode) || r.statusCode < 100 || r.statusCode > 599)
    return { kind: "invalid", reason: "statusCode is not an HTTP status" };
  if (r.statusDescription !== undefined && typeof r.statusDescription !== "string")
    return { kind: "invalid", reason: "statusDescription is not a string" };
  const problem = fieldsProblem(r.headers, "headers", true) ?? fieldsProblem(r.cookies, "cookies", false);
  if (problem) return { kind: "invalid", reason: problem };
  const headers = Object.entries((r.headers ?? {}) as Record<string, Field>);
  const bad = headers.find(([name]) => DISALLOWED_RESPONSE_HEADERS.test(name) || name === "set-cookie");
  if (bad)
    return {
      kind: "invalid",
      reason:
        bad[0] === "set-cookie"
          ? "set-cookie belongs in cookies, not headers"
          : `the function may not set ${bad[0]}`,
    };
  const body = bodyOf(r.body);
  if (typeof body === "string") return { kind: "invalid", reason: body };
  const lines: Array<[string, string[]]> = headers.map(([name, field]) => [
    headerCase(name),
    valuesOf(field).map((v) => v.value as string),
  ]);
  const cookies = Object.entries((r.cookies ?? {}) as Record<string, Field>).flatMap(([name, field]) =>
    valuesOf(field).map(
      (v) => `${name}=${v.value as string}${v.attributes ? `; ${v.attributes as string}` : ""}`,
    ),
  );
  if (cookies.length > 0) lines.push(["Set-Cookie", cookies]);
  return {
    kind: "response",
    response: {
      status: r.statusCode,
      ...(r.statusDescription ? { statusMessage: r.statusDescription } : {}),
      headers: lines,
      body,
    },
  };
}

function checkRequest(r: FunctionRequest, sent: FunctionRequest): FunctionOutcome {
  if (typeof r.uri !== "string" || !r.uri.startsWith("/"))
    return { kind: "invalid", reason: "uri does not begin with /" };
  if (r.uri.length >= MAX_URI_LENGTH) return { kind: "invalid", reason: "uri is over 8,192 characters" };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
  if (/[\s#\u0000-\u001f\u007f]/.test(r.uri))
    return { kind: "invalid", reason: "uri has a space, a control character or #" };
  if (r.method !== sent.method) return { kind: "invalid", reason: "method is read-only" };
  const problem = fieldsProblem(r.headers, "headers", true);
  if (problem) return { kind: "invalid", reason: problem };
  for (const name of READ_ONLY_REQUEST_HEADERS)
    if (JSON.stringify(r.headers?.[name]) !== JSON.stringify(sent.headers[name]))
      return { kind: "invalid", reason: `${name} is read-only` };
  return { kind: "request", uri: r.uri };
}

/**
 * What CloudFront makes of a viewer-request function's result (the sandbox has already told a request
 * from a response): a request goes on to the origin with its `uri`; a response is rendered as CloudFront
 * renders it (status, description, each header with its words capitalised, each cookie as one
 * `Set-Cookie`, the body as text or decoded base64); anything else fails validation (502).
 */
export function checkFunctionResult(
  result: { kind: "request"; request: FunctionRequest } | { kind: "response"; response: FunctionResponse },
  sent: FunctionRequest,
): FunctionOutcome {
  return result.kind === "request" ? checkRequest(result.request, sent) : checkResponse(result.response);
}
