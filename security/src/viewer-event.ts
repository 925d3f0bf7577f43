import type { CloudFrontHeaders, CloudFrontRequestEvent } from "aws-lambda";

export interface ViewerEventInput {
  method?: string;
  uri?: string;
  querystring?: string;
  /** Header name → values; each value becomes its own `{ key, value }` entry (cookie may repeat). */
  headers?: Record<string, string[]>;
  requestId?: string;
}

/** What a page load sends (`navigate`) and what fetch() sends (`cors`, JSON wanted). */
export const NAVIGATION: Record<string, string[]> = {
  accept: ["text/html,application/xhtml+xml,*/*;q=0.8"],
  "sec-fetch-mode": ["navigate"],
};
export const FETCH: Record<string, string[]> = { accept: ["application/json"], "sec-fetch-mode": ["cors"] };

/**
 * A CloudFront viewer-request event as Lambda@Edge receives it (`Records[0].cf`, header keys lower case
 * mapping to `[{ key, value }]`), for the site `host`.
 */
export function viewerEvent(host: string, input: ViewerEventInput = {}): CloudFrontRequestEvent {
  const headers: CloudFrontHeaders = { host: [{ key: "Host", value: host }] };
  for (const [name, values] of Object.entries(input.headers ?? {}))
    headers[name.toLowerCase()] = values.map((value) => ({ key: name, value }));
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: "d111111abcdef8.cloudfront.net",
            distributionId: "EDFDVBD6EXAMPLE",
            eventType: "viewer-request",
            requestId: input.requestId ?? "sec-suite-request",
          },
          request: {
            clientIp: "198.51.100.7",
            headers,
            method: input.method ?? "GET",
            querystring: input.querystring ?? "",
            uri: input.uri ?? "/",
          },
        },
      },
    ],
  };
}
