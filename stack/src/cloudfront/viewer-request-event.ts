import type { CloudFrontHeaders, CloudFrontRequestEvent } from "aws-lambda";

export interface DistributionInfo {
  distributionDomainName: string;
  distributionId: string;
}

export interface IncomingViewerRequest {
  method: string;
  /** The request target as received: path and query, still percent-encoded. */
  url: string;
  /** Node's `req.rawHeaders`: name, value, name, value… with the case and repetition the client sent. */
  rawHeaders: string[];
  clientIp: string;
}

// Hop-by-hop headers end at CloudFront's viewer connection; they never reach the function.
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "upgrade",
  "proxy-authorization",
]);

/**
 * Headers as Lambda@Edge sees them: lower-case keys, each an array of `{ key, value }` holding the
 * name as the viewer spelt it, one entry per header line (two `Cookie` lines give two entries).
 */
export function toCloudFrontHeaders(rawHeaders: string[]): CloudFrontHeaders {
  const headers: CloudFrontHeaders = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    const name = key.toLowerCase();
    if (HOP_BY_HOP.has(name)) continue;
    const list = headers[name] ?? [];
    list.push({ key, value });
    headers[name] = list;
  }
  return headers;
}

/**
 * The viewer-request event CloudFront gives a Lambda@Edge function (AWS CloudFront developer guide,
 * "Lambda@Edge event structure", example viewer request): no body (include_body = false), the query
 * string without its `?`, the URI as received.
 */
export function toViewerRequestEvent(
  req: IncomingViewerRequest,
  distribution: DistributionInfo,
  requestId: string,
): CloudFrontRequestEvent {
  const q = req.url.indexOf("?");
  const uri = q === -1 ? req.url : req.url.slice(0, q);
  const querystring = q === -1 ? "" : req.url.slice(q + 1);
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: distribution.distributionDomainName,
            distributionId: distribution.distributionId,
            eventType: "viewer-request",
            requestId,
          },
          request: {
            clientIp: req.clientIp,
            headers: toCloudFrontHeaders(req.rawHeaders),
            method: req.method,
            querystring,
            uri: uri || "/",
          },
        },
      },
    ],
  };
}
