// The one builder of CloudFront viewer-request events (issue #15): the packages' tests, the bench, and
// the stack's emulator, which translates each HTTP request into the header lines this takes.
import type { CloudFrontHeaders, CloudFrontRequestEvent } from "aws-lambda";

export interface DistributionInfo {
  distributionDomainName: string;
  distributionId: string;
}

/** The distribution of the AWS developer guide's example events. */
export const EXAMPLE_DISTRIBUTION: Readonly<DistributionInfo> = {
  distributionDomainName: "d111111abcdef8.cloudfront.net",
  distributionId: "EDFDVBD6EXAMPLE",
};

interface RequestParts {
  uri?: string;
  /** Without the leading `?`, as CloudFront sends it. */
  querystring?: string;
  method?: string;
  requestId?: string;
  clientIp?: string;
  /** Default EXAMPLE_DISTRIBUTION. */
  distribution?: Readonly<DistributionInfo>;
}

/** The headers by name, as a test writes them. */
interface NamedHeaders {
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
  headerLines?: never;
}

/** The headers line by line, as a viewer sent them (the stack's emulator). */
interface HeaderLines {
  /**
   * Each header line as received, `[name as the viewer spelt it, value]`, in order: these are the
   * event's headers exactly (no `host` added), one entry per line under the lower-case name.
   */
  headerLines: ReadonlyArray<readonly [string, string]>;
  host?: never;
  headers?: never;
  cookieHeaders?: never;
}

export type ViewerRequestInput = RequestParts & (NamedHeaders | HeaderLines);

/** The event Lambda@Edge receives (aws-lambda's type), named here so users need no @types/aws-lambda. */
export type ViewerRequestEvent = CloudFrontRequestEvent;

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

function namedHeaders(input: NamedHeaders): CloudFrontHeaders {
  const headers: CloudFrontHeaders = { host: [{ key: "Host", value: input.host ?? "localhost:3000" }] };
  for (const [name, values] of Object.entries(input.headers ?? {}))
    headers[name.toLowerCase()] = (typeof values === "string" ? [values] : values).map((value) => ({
      key: httpCase(name),
      value,
    }));
  if (input.cookieHeaders?.length)
    headers.cookie = input.cookieHeaders.map((value) => ({ key: "Cookie", value }));
  return headers;
}

function lineHeaders(lines: HeaderLines["headerLines"]): CloudFrontHeaders {
  const headers: CloudFrontHeaders = {};
  for (const [key, value] of lines) {
    const name = key.toLowerCase();
    const list = headers[name] ?? [];
    list.push({ key, value });
    headers[name] = list;
  }
  return headers;
}

/**
 * A CloudFront viewer-request event in the shape Lambda@Edge receives it (AWS CloudFront developer
 * guide, "Lambda@Edge event structure", example viewer request): `Records[0].cf` with `config`
 * (distribution, eventType, requestId) and `request` without a body, whose header keys are lower case
 * and map to `[{ key, value }]` lists.
 */
export function viewerRequestEvent(input: ViewerRequestInput = {}): ViewerRequestEvent {
  const distribution = input.distribution ?? EXAMPLE_DISTRIBUTION;
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: distribution.distributionDomainName,
            distributionId: distribution.distributionId,
            eventType: "viewer-request",
            requestId: input.requestId ?? "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
          },
          request: {
            clientIp: input.clientIp ?? "203.0.113.178",
            headers: input.headerLines ? lineHeaders(input.headerLines) : namedHeaders(input),
            method: input.method ?? "GET",
            querystring: input.querystring ?? "",
            uri: input.uri ?? "/",
          },
        },
      },
    ],
  };
}

/** The host of the site the bench's browser loads pages from. */
export const BROWSER_SITE_HOST = "www.example.com";

/** What a desktop Firefox sends with a page load (the bench's browser). */
export const FIREFOX_PAGE_LOAD_HEADERS: Readonly<Record<string, string>> = {
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "accept-language": "en-GB,en;q=0.5",
};

/**
 * A desktop browser loading a page of BROWSER_SITE_HOST, with its one Cookie header if any: the same
 * event for our handler and for a peer's in the bench.
 */
export function browserPageLoadEvent(input: {
  uri: string;
  cookie?: string;
  querystring?: string;
}): ViewerRequestEvent {
  return viewerRequestEvent({
    host: BROWSER_SITE_HOST,
    uri: input.uri,
    querystring: input.querystring ?? "",
    headers: FIREFOX_PAGE_LOAD_HEADERS,
    ...(input.cookie !== undefined ? { cookieHeaders: [input.cookie] } : {}),
  });
}
