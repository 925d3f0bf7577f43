import type { Outcome } from "./decide.js";

/**
 * Responses in the CloudFront Functions shape: `statusCode`, `headers` as `{name: {value}}` with
 * lower-case names, the body as `{encoding: "text", data}`. The same pages and JSON the edge renders, so
 * a viewer cannot tell which runtime answered (render.ts in edge-auth). Written in the syntax
 * cloudfront-js-2.0 documents, as decide.ts.
 */
export interface FunctionResponse {
  statusCode: number;
  statusDescription: string;
  headers: Record<string, { value: string }>;
  body?: { encoding: "text"; data: string };
}

const TEXT: Record<number, string> = {
  302: "Found",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  503: "Service Unavailable",
};

const respond = (
  status: number,
  extra: Record<string, string>,
  type?: string,
  body?: string,
): FunctionResponse => {
  const headers: Record<string, { value: string }> = {
    "cache-control": { value: "no-store" },
    "x-content-type-options": { value: "nosniff" },
    "referrer-policy": { value: "no-referrer" },
  };
  if (type) headers["content-type"] = { value: type };
  for (const name in extra) headers[name] = { value: extra[name] as string };
  const out: FunctionResponse = {
    statusCode: status,
    statusDescription: TEXT[status] as string,
    headers: headers,
  };
  if (body !== undefined) out.body = { encoding: "text", data: body };
  return out;
};

const page = (title: string, text: string): string => {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;
};

const HTML = "text/html; charset=utf-8";

/** The answer for every outcome but `pass` (the handler passes the request on for that one). */
export const responseFor = (
  outcome: Exclude<Outcome, { kind: "pass" }>,
  logoutPath: string,
): FunctionResponse => {
  switch (outcome.kind) {
    case "redirect":
      return respond(302, { location: outcome.location });
    case "unauthorized":
      return respond(
        401,
        {},
        "application/json",
        JSON.stringify({
          error: "login_required",
          reason: outcome.reason,
          message: "Sign in again: load the page in the browser.",
        }),
      );
    case "forbidden":
      return respond(
        403,
        {},
        HTML,
        page(
          "Access denied",
          `Your account does not have access to this page. <a href="${encodeURI(logoutPath)}">Sign in as someone else</a>.`,
        ),
      );
    case "bad_request":
      return respond(400, {}, HTML, page("Bad request", "This address cannot be served."));
    case "unavailable":
      return respond(
        503,
        { "retry-after": "5" },
        HTML,
        page(
          "Temporarily unavailable",
          "Sign-in cannot be checked right now. Please try again in a few seconds.",
        ),
      );
  }
};
