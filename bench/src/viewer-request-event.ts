import { viewerRequestEvent as cloudFrontViewerRequest } from "@static-sso/testing";

/** A CloudFront viewer-request event as Lambda@Edge receives it (built by @static-sso/testing). */
export type ViewerRequestEvent = ReturnType<typeof cloudFrontViewerRequest>;

export const SITE_HOST = "www.example.com";

/** What the bench's browser sends with every page load (a desktop Firefox). */
const BROWSER_HEADERS = {
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "accept-language": "en-GB,en;q=0.5",
};

/** The same event for our handler and for the peer: a browser asking for a page, with or without cookies. */
export function viewerRequestEvent(options: {
  uri: string;
  cookie?: string;
  querystring?: string;
}): ViewerRequestEvent {
  return cloudFrontViewerRequest({
    host: SITE_HOST,
    uri: options.uri,
    querystring: options.querystring ?? "",
    headers: BROWSER_HEADERS,
    ...(options.cookie !== undefined ? { cookieHeaders: [options.cookie] } : {}),
  });
}
