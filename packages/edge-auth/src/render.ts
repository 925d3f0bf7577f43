import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontResultResponse } from "aws-lambda";
import type { Facts } from "./facts.js";
import { type CookieNames, stripOwnCookies } from "./session/cookies.js";

/**
 * Every answer the edge gives, as data: the decision and its effect end in one of these, and `render`
 * alone turns it into what CloudFront takes (the request passed on, or a generated response).
 */
export type Response =
  | { kind: "pass"; forwardPath: string }
  | { kind: "redirect"; location: string; setCookies?: string[] }
  /** For fetch/XHR: a redirect to the IdP would be useless to them. */
  | { kind: "unauthorized"; reason: string; setCookies?: string[] }
  | { kind: "forbidden" }
  | { kind: "bad_request" }
  | { kind: "login_failed"; reason: string; setCookies?: string[] }
  | { kind: "unavailable"; setCookies?: string[] }
  | { kind: "logout_confirm" };

export function render(
  response: Response,
  facts: Facts,
  ctx: { names: CookieNames; logoutPath: string },
): CloudFrontRequest | CloudFrontResultResponse {
  switch (response.kind) {
    case "pass":
      return passToOrigin(facts, ctx.names, response.forwardPath);
    case "redirect":
      return redirectResponse(response.location, response.setCookies);
    case "unauthorized":
      return unauthorizedResponse(response.reason, response.setCookies);
    case "forbidden":
      return forbiddenResponse(ctx.logoutPath);
    case "bad_request":
      return badRequestResponse();
    case "login_failed":
      return loginFailedResponse(response.reason, response.setCookies);
    case "unavailable":
      return unavailableResponse(response.setCookies);
    case "logout_confirm":
      return logoutConfirmResponse(ctx.logoutPath);
  }
}

/** The viewer's request, on to the origin for the path decided on, without this function's cookies. */
function passToOrigin(facts: Facts, names: CookieNames, uri: string): CloudFrontRequest {
  const { request } = facts;
  if (facts.cookieHeaders.length === 0) return uri === request.uri ? request : { ...request, uri };
  const kept = stripOwnCookies(facts.cookieHeaders, names);
  const headers = { ...request.headers };
  if (kept.length === 0) delete headers.cookie;
  else headers.cookie = kept.map((value) => ({ key: "Cookie", value }));
  return { ...request, uri, headers };
}

/**
 * Lambda@Edge caps a response generated in a viewer-request function at 40 KB, headers and body
 * together (CloudFront developer guide, "Quotas on Lambda@Edge"). Our pages are tiny; the guard is for
 * Set-Cookie lines carrying large tokens.
 */
export const GENERATED_RESPONSE_LIMIT_BYTES = 40 * 1024;
export const RETRY_AFTER_SECONDS = 5;

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  302: "Found",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

function headers(contentType: string | undefined, extra: Record<string, string>, setCookies: string[]) {
  const out: CloudFrontHeaders = {
    "cache-control": [{ key: "Cache-Control", value: "no-store" }],
    "x-content-type-options": [{ key: "X-Content-Type-Options", value: "nosniff" }],
    "referrer-policy": [{ key: "Referrer-Policy", value: "no-referrer" }],
  };
  if (contentType) out["content-type"] = [{ key: "Content-Type", value: contentType }];
  for (const [key, value] of Object.entries(extra)) out[key.toLowerCase()] = [{ key, value }];
  if (setCookies.length > 0) out["set-cookie"] = setCookies.map((value) => ({ key: "Set-Cookie", value }));
  return out;
}

function result(status: number, hdrs: CloudFrontHeaders, body?: string): CloudFrontResultResponse {
  return {
    status: String(status),
    statusDescription: STATUS_TEXT[status] ?? "",
    headers: hdrs,
    ...(body !== undefined ? { body } : {}),
  };
}

function page(title: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;
}

const HTML = "text/html; charset=utf-8";

export function redirectResponse(location: string, setCookies: string[] = []): CloudFrontResultResponse {
  return result(302, headers(undefined, { Location: location }, setCookies));
}

/** For fetch/XHR: a redirect to the IdP would be useless to them. */
export function unauthorizedResponse(reason: string, setCookies: string[] = []): CloudFrontResultResponse {
  return result(
    401,
    headers("application/json", {}, setCookies),
    JSON.stringify({
      error: "login_required",
      reason,
      message: "Sign in again: load the page in the browser.",
    }),
  );
}

/** The way out is a logout: the IdP would sign the same user straight back in otherwise. */
export function forbiddenResponse(logoutPath: string): CloudFrontResultResponse {
  return result(
    403,
    headers(HTML, {}, []),
    page(
      "Access denied",
      `Your account does not have access to this page. <a href="${encodeURI(logoutPath)}">Sign in as someone else</a>.`,
    ),
  );
}

export function badRequestResponse(): CloudFrontResultResponse {
  return result(400, headers(HTML, {}, []), page("Bad request", "This address cannot be served."));
}

/** A sign-in that did not complete (IdP error, lost state, rejected code): say so, offer a fresh start. */
export function loginFailedResponse(reason: string, setCookies: string[] = []): CloudFrontResultResponse {
  const safe = reason.replace(/[^a-z0-9_]/gi, "");
  return result(
    400,
    headers(HTML, {}, setCookies),
    page("Sign-in did not complete", `Reason: ${safe}. <a href="/">Start again</a>.`),
  );
}

export function unavailableResponse(setCookies: string[] = []): CloudFrontResultResponse {
  return result(
    503,
    headers(HTML, { "Retry-After": String(RETRY_AFTER_SECONDS) }, setCookies),
    page(
      "Temporarily unavailable",
      "Sign-in cannot be checked right now. Please try again in a few seconds.",
    ),
  );
}

/**
 * A logout the guard did not accept (src/logout-guard.ts): a page whose button POSTs to the logout path
 * from this origin. Not framable, so another site cannot overlay it and trick the click.
 */
export function logoutConfirmResponse(logoutPath: string): CloudFrontResultResponse {
  return result(
    200,
    headers(HTML, { "X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'" }, []),
    page(
      "Log out?",
      `<form method="post" action="${encodeURI(logoutPath)}"><button type="submit">Log out</button></form>`,
    ),
  );
}

export function internalErrorResponse(): CloudFrontResultResponse {
  return result(500, headers(HTML, {}, []), page("Error", "Something went wrong."));
}

/** Bytes of a generated response as CloudFront counts them (header names, values, body), roughly. */
export function generatedResponseBytes(res: CloudFrontResultResponse): number {
  let n = Buffer.byteLength(res.body ?? "");
  for (const list of Object.values(res.headers ?? {}))
    for (const h of list) n += Buffer.byteLength(h.key ?? "") + Buffer.byteLength(h.value) + 4;
  return n;
}
