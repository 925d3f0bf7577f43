import type { CloudFrontHeaders, CloudFrontRequestEvent } from "aws-lambda";

export interface ViewerRequestInput {
  uri?: string;
  /** Without the leading `?`, as CloudFront sends it. */
  querystring?: string;
  method?: string;
  /** The `host` header; the first header of the event. */
  host?: string;
  /**
   * What the viewer sends besides `host`, in this order. Names are lower-cased for the map key (the
   * entry's `key` gets the usual Http-Case); a list becomes one `{ key, value }` entry per value, as
   * CloudFront passes a repeated header. No other headers are added.
   */
  headers?: Readonly<Record<string, string | readonly string[]>>;
  /** Each entry becomes its own `cookie` header, as CloudFront passes several. */
  cookieHeaders?: readonly string[];
  requestId?: string;
  clientIp?: string;
}

/** What a browser's page load sends: HTML wanted, `Sec-Fetch-Mode: navigate`. */
export const PAGE_LOAD_HEADERS: Readonly<Record<string, string>> = {
  "user-agent": "Mozilla/5.0 (test)",
  accept: "text/html,application/xhtml+xml,*/*;q=0.8",
  "sec-fetch-mode": "navigate",
};

/** What fetch() sends for JSON: `Sec-Fetch-Mode: cors`. */
export const FETCH_HEADERS: Readonly<Record<string, string>> = {
  accept: "application/json",
  "sec-fetch-mode": "cors",
};

const httpCase = (name: string) => name.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase());

/**
 * A CloudFront viewer-request event in the shape Lambda@Edge receives it: `Records[0].cf` with `config`
 * (distribution, eventType, requestId) and `request` whose header keys are lower case and map to
 * `[{ key, value }]` lists.
 */
export function viewerRequestEvent(input: ViewerRequestInput = {}): CloudFrontRequestEvent {
  const headers: CloudFrontHeaders = { host: [{ key: "Host", value: input.host ?? "localhost:3000" }] };
  for (const [name, values] of Object.entries(input.headers ?? {}))
    headers[name.toLowerCase()] = (typeof values === "string" ? [values] : values).map((value) => ({
      key: httpCase(name),
      value,
    }));
  if (input.cookieHeaders?.length)
    headers.cookie = input.cookieHeaders.map((value) => ({ key: "Cookie", value }));
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: "d111111abcdef8.cloudfront.net",
            distributionId: "EDFDVBD6EXAMPLE",
            eventType: "viewer-request",
            requestId: input.requestId ?? "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
          },
          request: {
            clientIp: input.clientIp ?? "203.0.113.178",
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
