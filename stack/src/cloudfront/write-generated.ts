// The two kinds of generated response, written as CloudFront writes them: the function's status and
// headers, CloudFront's `x-cache` and request id, and the body (none for HEAD).
import type { ServerResponse } from "node:http";
import type { CloudFrontResultResponse } from "aws-lambda";
import type { RenderedResponse } from "./function-result.js";

/** Writes a function's generated response: status, every value of every header, body decoded. */
export function writeGenerated(
  res: ServerResponse,
  r: CloudFrontResultResponse,
  requestId: string,
  head: boolean,
): void {
  res.statusCode = Number(r.status);
  if (r.statusDescription) res.statusMessage = r.statusDescription;
  for (const [name, list] of Object.entries(r.headers ?? {})) {
    const values = list.map((h) => h.value);
    // Keep the spelling the function gave (`key`), as CloudFront does on HTTP/1.1.
    res.setHeader(list[0]?.key ?? name, values.length === 1 ? (values[0] as string) : values);
  }
  res.setHeader("x-cache", "LambdaGeneratedResponse from cloudfront");
  res.setHeader("x-amz-cf-id", requestId);
  const body =
    r.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(r.body, r.bodyEncoding === "base64" ? "base64" : "utf8");
  res.setHeader("content-length", body.length);
  res.end(head ? undefined : body);
}

/** Writes a CloudFront Function's generated response (rendered by checkFunctionResult). */
export function writeFunctionResponse(
  res: ServerResponse,
  r: RenderedResponse,
  requestId: string,
  head: boolean,
): void {
  res.statusCode = r.status;
  if (r.statusMessage) res.statusMessage = r.statusMessage;
  for (const [name, values] of r.headers)
    res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
  res.setHeader("x-cache", "FunctionGeneratedResponse from cloudfront");
  res.setHeader("x-amz-cf-id", requestId);
  res.setHeader("content-length", r.body.length);
  res.end(head ? undefined : r.body);
}
