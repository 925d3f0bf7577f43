import type { CloudFrontRequest } from "aws-lambda";

/** What the handler reads from a CloudFront viewer-request event, in one place. */
export interface ViewerRequest {
  method: string;
  /** As CloudFront passes it: the raw path. */
  uri: string;
  /** Without the leading `?`, as CloudFront passes it. */
  querystring: string;
  host: string;
  /** Every `cookie` header value (CloudFront may send several). */
  cookieHeaders: string[];
  header(name: string): string | undefined;
}

export function readViewerRequest(request: CloudFrontRequest): ViewerRequest {
  const headers = request.headers ?? {};
  const header = (name: string) => headers[name.toLowerCase()]?.[0]?.value;
  return {
    method: request.method,
    uri: request.uri,
    querystring: request.querystring ?? "",
    host: header("host") ?? "",
    cookieHeaders: (headers.cookie ?? []).map((h) => h.value),
    header,
  };
}

/** fetch/XHR rather than a page load: they get 401 JSON instead of a redirect to the IdP. */
export function isNavigation(req: ViewerRequest): boolean {
  const mode = req.header("sec-fetch-mode");
  if (mode !== undefined && mode !== "navigate") return false;
  const accept = req.header("accept") ?? "";
  if (/application\/json/i.test(accept) && !/text\/html/i.test(accept)) return false;
  return true;
}
