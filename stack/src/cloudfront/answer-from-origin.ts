// The origin step: what CloudFront does once a function passed the request on.
import type { EmulatorSettings } from "./emulator-settings.js";
import { serveFromS3Origin } from "./s3-origin.js";
import type { ViewerExchange } from "./viewer-exchange.js";

/**
 * Answers with the (possibly changed) URI from the S3 origin plus the response headers policy, and
 * returns the status. The origin sees only the URI and If-None-Match: the cache policy forwards
 * nothing else.
 */
export async function answerFromOrigin(
  uri: string,
  exchange: ViewerExchange,
  settings: Pick<EmulatorSettings, "origin" | "responseHeaders">,
): Promise<number> {
  const { req, res, requestId, head } = exchange;
  const origin = await serveFromS3Origin(uri, settings.origin, req.headers["if-none-match"]);
  res.writeHead(origin.status, {
    ...origin.headers,
    ...settings.responseHeaders,
    "content-length": String(origin.body.length),
    "x-cache":
      origin.status === 200 || origin.status === 304 ? "Miss from cloudfront" : "Error from cloudfront",
    via: "1.1 local.cloudfront.net (CloudFront)",
    "x-amz-cf-id": requestId,
  });
  res.end(head || origin.status === 304 ? undefined : origin.body);
  return origin.status;
}
