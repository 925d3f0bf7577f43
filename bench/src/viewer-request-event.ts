/** A CloudFront viewer-request event as Lambda@Edge receives it (the AWS documentation's example shape). */
export interface ViewerRequestEvent {
  Records: Array<{
    cf: {
      config: {
        distributionDomainName: string;
        distributionId: string;
        eventType: "viewer-request";
        requestId: string;
      };
      request: {
        clientIp: string;
        headers: Record<string, Array<{ key: string; value: string }>>;
        method: string;
        querystring: string;
        uri: string;
      };
    };
  }>;
}

export const SITE_HOST = "www.example.com";

/** The same event for our handler and for the peer: a browser asking for a page, with or without cookies. */
export function viewerRequestEvent(options: {
  uri: string;
  cookie?: string;
  querystring?: string;
}): ViewerRequestEvent {
  const headers: ViewerRequestEvent["Records"][number]["cf"]["request"]["headers"] = {
    host: [{ key: "Host", value: SITE_HOST }],
    "user-agent": [
      { key: "User-Agent", value: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0" },
    ],
    accept: [{ key: "Accept", value: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" }],
    "accept-language": [{ key: "Accept-Language", value: "en-GB,en;q=0.5" }],
  };
  if (options.cookie !== undefined) headers.cookie = [{ key: "Cookie", value: options.cookie }];
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: "d111111abcdef8.cloudfront.net",
            distributionId: "EDFDVBD6EXAMPLE",
            eventType: "viewer-request",
            requestId: "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
          },
          request: {
            clientIp: "203.0.113.178",
            headers,
            method: "GET",
            querystring: options.querystring ?? "",
            uri: options.uri,
          },
        },
      },
    ],
  };
}
