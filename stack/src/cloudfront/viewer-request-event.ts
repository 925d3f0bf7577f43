// The HTTP side of the Lambda@Edge event: what the emulator received, translated into the input of
// @static-sso/testing's viewerRequestEvent, the one event builder the tests and the bench use too.
import { type DistributionInfo, viewerRequestEvent } from "@static-sso/testing";
import type { CloudFrontRequestEvent } from "aws-lambda";

export type { DistributionInfo };

export interface IncomingViewerRequest {
  method: string;
  /** The request target as received: path and query, still percent-encoded. */
  url: string;
  /** Node's `req.rawHeaders`: name, value, name, value… with the case and repetition the client sent. */
  rawHeaders: string[];
  clientIp: string;
}

// Hop-by-hop headers end at CloudFront's viewer connection; they never reach the function.
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "upgrade",
  "proxy-authorization",
]);

/** Node's rawHeaders as `[name as spelt, value]` lines, in order, the hop-by-hop ones left out. */
export function endToEndLines(rawHeaders: string[]): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (!HOP_BY_HOP.has(name.toLowerCase())) lines.push([name, rawHeaders[i + 1] as string]);
  }
  return lines;
}

/** The request target split as CloudFront passes it: the path as received, the query without `?`. */
export function splitTarget(url: string): { uri: string; querystring: string } {
  const q = url.indexOf("?");
  return q === -1
    ? { uri: url || "/", querystring: "" }
    : { uri: url.slice(0, q) || "/", querystring: url.slice(q + 1) };
}

/**
 * The viewer-request event CloudFront gives a Lambda@Edge function for this request: no body
 * (include_body = false), one header entry per header line with the name as the viewer spelt it, the
 * query string without its `?`, the URI as received.
 */
export function toViewerRequestEvent(
  req: IncomingViewerRequest,
  distribution: DistributionInfo,
  requestId: string,
): CloudFrontRequestEvent {
  return viewerRequestEvent({
    ...splitTarget(req.url),
    method: req.method,
    headerLines: endToEndLines(req.rawHeaders),
    clientIp: req.clientIp,
    distribution,
    requestId,
  });
}
