// One viewer request as the pipeline passes it along: what every step needs to answer and log it.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EdgeRuntime, RequestLogLine } from "./emulator-options.js";
import type { IncomingViewerRequest } from "./viewer-request-event.js";

export interface ViewerExchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  method: string;
  head: boolean;
  /** The raw path CloudFront matches path patterns against. */
  path: string;
  /** Which function the path's behaviour runs. */
  runtime: EdgeRuntime;
  /** Writes the request's log line; `ran` overrides the runtime (`none`: CloudFront refused first). */
  log(status: number, source: string, ran?: EdgeRuntime | "none"): void;
}

/** CloudFront's request ids: 56 characters of base64url-ish text ending in `==`. */
function newRequestId(): string {
  return `${randomBytes(40).toString("base64url").slice(0, 54)}==`;
}

/** The raw path CloudFront matches path patterns against: the request target before `?`. */
function rawPath(url: string | undefined): string {
  return (url ?? "/").split("?")[0] || "/";
}

/** Starts the exchange for a request; `runtimeFor` picks the behaviour from the raw path. */
export function openExchange(
  req: IncomingMessage,
  res: ServerResponse,
  runtimeFor: (path: string) => EdgeRuntime,
  onRequest: ((line: RequestLogLine) => void) | undefined,
): ViewerExchange {
  const requestId = newRequestId();
  const method = req.method ?? "GET";
  const path = rawPath(req.url);
  const runtime = runtimeFor(path);
  return {
    req,
    res,
    requestId,
    method,
    head: method === "HEAD",
    path,
    runtime,
    log: (status, source, ran = runtime) =>
      onRequest?.({ requestId, method, uri: path, status, source, runtime: ran }),
  };
}

/** The wire request both event builders read (an IPv4 client seen through a dual-stack socket unmapped). */
export function incomingViewerRequest(req: IncomingMessage): IncomingViewerRequest {
  return {
    method: req.method ?? "GET",
    url: req.url ?? "/",
    rawHeaders: req.rawHeaders,
    clientIp: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1",
  };
}
