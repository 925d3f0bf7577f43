// A CloudFront emulator for the local stack and the browser tests. Written by hand because no maintained
// library runs a Lambda@Edge viewer-request function in front of an S3-like origin: the Lambda
// emulators (SAM local, serverless-offline, LocalStack's community edition) run API Gateway/Lambda
// events, not CloudFront's `Records[0].cf` event, and none renders a function's generated response
// the way CloudFront does. It is small on purpose: event in, result checked, response out.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { globMatch } from "@static-sso/authz-core";
import type { CloudFrontRequest, CloudFrontResultResponse } from "aws-lambda";
import { classifyEdgeResult } from "./cloudfront/edge-result.js";
import { toFunctionEvent } from "./cloudfront/function-event.js";
import { checkFunctionResult, type RenderedResponse } from "./cloudfront/function-result.js";
import { type CloudFrontFunction, loadCloudFrontFunction } from "./cloudfront/function-sandbox.js";
import { edgeContext, loadEdgeBundle, type ViewerRequestHandler } from "./cloudfront/load-edge-bundle.js";
import { serveFromS3Origin } from "./cloudfront/s3-origin.js";
import { type DistributionInfo, toViewerRequestEvent } from "./cloudfront/viewer-request-event.js";

/** Which of the distribution's two kinds of viewer-request function ran for a request. */
export type EdgeRuntime = "cloudfront-function" | "lambda-edge";

/** The path pattern of the fast path's Lambda@Edge behaviour (docs/contracts.md, "Edge modes"). */
export const AUTH_PATH_PATTERN = "/_auth/*";

/**
 * A CloudFront Function (cloudfront-js-2.0) on the viewer-request of the site's behaviours, as the fast
 * path deploys it: the Lambda@Edge function then runs only on behaviours of their own (`/_auth/*`).
 */
export interface ViewerFunctionOptions {
  /** The function's code exactly as uploaded (e.g. buildSessionCheck(rules).code). */
  code: string;
  /** Its KeyValueStore: a file in the import format (cloudfront/kvs-file.ts), re-read when it changes. */
  kvsFile: string;
  /**
   * Path patterns of the behaviours with the Lambda@Edge association instead (CloudFront path-pattern
   * semantics, matched on the path as received, case-sensitive); every method is allowed there.
   * Default `["/_auth/*"]`.
   */
  lambdaPathPatterns?: string[];
  /** Each console.log line of the function. Default: written to stdout, as the edge bundle's lines are. */
  log?: (line: string) => void;
  /** See CloudFrontFunctionOptions.timeoutMs (default 1000). */
  timeoutMs?: number;
}

/** One line per request: who answered (`source`) and which runtime ran (`none`: CloudFront refused first). */
export interface RequestLogLine {
  requestId: string;
  method: string;
  uri: string;
  status: number;
  source: string;
  runtime: EdgeRuntime | "none";
}

export interface CloudFrontEmulatorOptions {
  /** The built edge bundle (packages/edge-auth/dist/index.js), run as Lambda runs it. */
  edgeBundle?: string;
  /** Written as config.json beside the bundle's copy. */
  edgeConfig?: unknown;
  /** Instead of a bundle: a handler in process (tests of the emulator itself). */
  handler?: ViewerRequestHandler;
  /** The folder standing in for the private S3 bucket. */
  originDir: string;
  /** See S3OriginOptions.directoryIndex. */
  directoryIndex?: boolean;
  defaultRootObject?: string;
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The function's name as Lambda@Edge reports it (region prefix added). Default static-site-edge-auth. */
  functionName?: string;
  distribution?: Partial<DistributionInfo>;
  /**
   * How long the function may run before CloudFront gives up on it and answers 503, as Lambda@Edge
   * does with its timeout (viewer-request functions: at most 5 s). Default 5000.
   */
  functionTimeoutMs?: number;
  /** Methods the cache behaviour allows (the static-site module's: GET, HEAD, OPTIONS). */
  allowedMethods?: string[];
  /**
   * Paths with a cache behaviour of their own allowing every method (the static-site module's for the
   * logout path, so its confirmation form can POST). Matched exactly, as a path pattern without `*`.
   */
  allMethodsPaths?: string[];
  /** Headers the distribution's response headers policy adds to origin responses. */
  responseHeaders?: Record<string, string>;
  /**
   * The fast path: this function answers every request outside `lambdaPathPatterns`, the Lambda@Edge
   * function (edgeBundle or handler) only those. Absent: every request goes through Lambda@Edge.
   */
  viewerFunction?: ViewerFunctionOptions;
  /** One line per request (default: none). */
  onRequest?: (line: RequestLogLine) => void;
}

/** CloudFront's widest allowed_methods set. */
const ALL_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]);

export interface CloudFrontEmulator {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * What the distribution's response headers policy adds to origin responses: the static-site module's
 * security headers (HSTS left out: plain http here), and `Cache-Control: no-cache` so a browser
 * revalidates protected pages through the edge function instead of showing them from its cache after
 * logout. (The module does not set that header yet: reported.)
 */
export const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "strict-origin-when-cross-origin",
  "cache-control": "no-cache",
};

/** Lambda@Edge's longest timeout for a viewer-request function. */
export const VIEWER_REQUEST_TIMEOUT_MS = 5_000;

/** CloudFront's request ids: 56 characters of base64url-ish text ending in `==`. */
function newRequestId(): string {
  return `${randomBytes(40).toString("base64url").slice(0, 54)}==`;
}

function cloudFrontErrorPage(status: number, title: string, detail: string, requestId: string): string {
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">
<TITLE>ERROR: The request could not be satisfied</TITLE>
</HEAD><BODY>
<H1>${status} ERROR</H1>
<H2>The request could not be satisfied.</H2>
<HR noshade size="1px">
${title}
<BR clear="all">
${detail}
<BR clear="all">
<HR noshade size="1px">
<PRE>
Generated by cloudfront (CloudFront emulator)
Request ID: ${requestId}
</PRE>
</BODY></HTML>`;
}

class FunctionTimeout extends Error {}

/** The function's result, or a FunctionTimeout once `ms` have passed (the function is left to itself). */
async function runWithTimeout<T>(run: () => Promise<T> | T, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FunctionTimeout(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(run), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes a function's generated response: status, every value of every header, body decoded. */
function writeGenerated(
  res: ServerResponse,
  r: CloudFrontResultResponse,
  requestId: string,
  head: boolean,
): void {
  res.statusCode = Number(r.status);
  if (r.statusDescription) res.statusMessage = r.statusDescription;
  for (const [name, list] of Object.entries(r.headers ?? {})) {
    const values = list.map((h) => h.value);
    // Keep the spelling the function gave (`key`), as CloudFront does on HTTP/1.1.
    res.setHeader(list[0]?.key ?? name, values.length === 1 ? (values[0] as string) : values);
  }
  res.setHeader("x-cache", "LambdaGeneratedResponse from cloudfront");
  res.setHeader("x-amz-cf-id", requestId);
  const body =
    r.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(r.body, r.bodyEncoding === "base64" ? "base64" : "utf8");
  res.setHeader("content-length", body.length);
  res.end(head ? undefined : body);
}

/** Writes a CloudFront Function's generated response (rendered by checkFunctionResult). */
function writeFunctionResponse(
  res: ServerResponse,
  r: RenderedResponse,
  requestId: string,
  head: boolean,
): void {
  res.statusCode = r.status;
  if (r.statusMessage) res.statusMessage = r.statusMessage;
  for (const [name, values] of r.headers)
    res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
  res.setHeader("x-cache", "FunctionGeneratedResponse from cloudfront");
  res.setHeader("x-amz-cf-id", requestId);
  res.setHeader("content-length", r.body.length);
  res.end(head ? undefined : r.body);
}

/** The raw path CloudFront matches path patterns against: the request target before `?`. */
function rawPath(url: string | undefined): string {
  return (url ?? "/").split("?")[0] || "/";
}

/**
 * Starts an HTTP server that does, per request, what CloudFront does with a viewer-request
 * Lambda@Edge function in front of a private S3 origin: builds the event, runs the function, then
 * renders its generated response or fetches the (possibly changed) request's URI from the origin.
 */
export async function startCloudFrontEmulator(
  options: CloudFrontEmulatorOptions,
): Promise<CloudFrontEmulator> {
  const viewerFunction = options.viewerFunction;
  // Loaded first: a function that cannot run in cloudfront-js-2.0 stops the start (FunctionLoadError).
  const fn: CloudFrontFunction | undefined = viewerFunction
    ? loadCloudFrontFunction(viewerFunction.code, {
        kvs: viewerFunction.kvsFile,
        log: viewerFunction.log ?? ((line) => process.stdout.write(`${line}\n`)),
        ...(viewerFunction.timeoutMs !== undefined ? { timeoutMs: viewerFunction.timeoutMs } : {}),
      })
    : undefined;
  const lambdaPatterns = viewerFunction?.lambdaPathPatterns ?? [AUTH_PATH_PATTERN];

  let handler: ViewerRequestHandler;
  let dispose = () => {};
  if (options.handler) handler = options.handler;
  else if (options.edgeBundle) {
    const loaded = loadEdgeBundle(options.edgeBundle, options.edgeConfig);
    handler = loaded.handler;
    dispose = loaded.dispose;
  } else throw new TypeError("startCloudFrontEmulator needs edgeBundle or handler");

  const functionName = `us-east-1.${options.functionName ?? "static-site-edge-auth"}`;
  const allowed = new Set(options.allowedMethods ?? ["GET", "HEAD", "OPTIONS"]);
  const allMethodsPaths = new Set(options.allMethodsPaths ?? []);
  const responseHeaders = options.responseHeaders ?? SECURITY_HEADERS;
  const timeoutMs = options.functionTimeoutMs ?? VIEWER_REQUEST_TIMEOUT_MS;
  const host = options.host ?? "127.0.0.1";
  const distribution: DistributionInfo = {
    distributionDomainName: options.distribution?.distributionDomainName ?? "d111111abcdef8.cloudfront.net",
    distributionId: options.distribution?.distributionId ?? "EDFDVBD6EXAMPLE",
  };

  /** The behaviour a path falls in, as CloudFront picks it: the Lambda@Edge ones first, then the default. */
  const runtimeFor = (path: string): EdgeRuntime =>
    fn && !lambdaPatterns.some((p) => globMatch(p, path)) ? "cloudfront-function" : "lambda-edge";

  function refuse(
    res: ServerResponse,
    status: number,
    cache: string,
    title: string,
    detail: string,
    requestId: string,
    reason?: string,
  ): void {
    res.writeHead(status, {
      "content-type": "text/html",
      "x-cache": `${cache} from cloudfront`,
      "x-amz-cf-id": requestId,
      ...(reason ? { "x-emulator-reason": reason } : {}),
    });
    res.end(cloudFrontErrorPage(status, title, detail, requestId));
  }

  /** The (possibly changed) URI from the origin. It sees only that: the cache policy forwards nothing else. */
  async function fromOrigin(
    uri: string,
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    head: boolean,
  ): Promise<number> {
    const origin = await serveFromS3Origin(
      uri,
      {
        root: options.originDir,
        ...(options.defaultRootObject ? { defaultRootObject: options.defaultRootObject } : {}),
        directoryIndex: options.directoryIndex ?? false,
      },
      req.headers["if-none-match"],
    );
    res.writeHead(origin.status, {
      ...origin.headers,
      ...responseHeaders,
      "content-length": String(origin.body.length),
      "x-cache":
        origin.status === 200 || origin.status === 304 ? "Miss from cloudfront" : "Error from cloudfront",
      via: "1.1 local.cloudfront.net (CloudFront)",
      "x-amz-cf-id": requestId,
    });
    res.end(head || origin.status === 304 ? undefined : origin.body);
    return origin.status;
  }

  /** The CloudFront Function's turn: its response, or the origin with the URI it passed on. */
  async function viaFunction(
    run: CloudFrontFunction,
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    log: (status: number, source: string) => void,
  ): Promise<void> {
    const method = req.method ?? "GET";
    const event = toFunctionEvent(
      {
        method,
        url: req.url ?? "/",
        rawHeaders: req.rawHeaders,
        clientIp: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1",
      },
      distribution,
      requestId,
    );
    const sent = structuredClone(event.request);
    const result = run.run(event);
    if (result.kind === "error") {
      refuse(
        res,
        503,
        "FunctionExecutionError",
        "The CloudFront function associated with the CloudFront distribution returned an error.",
        "",
        requestId,
        result.message.split("\n")[0],
      );
      log(503, "function-error");
      return;
    }
    const outcome = checkFunctionResult(result, sent);
    if (outcome.kind === "invalid") {
      refuse(
        res,
        502,
        "FunctionValidationError",
        "The CloudFront function returned an invalid value to CloudFront.",
        outcome.reason,
        requestId,
        outcome.reason,
      );
      log(502, "function-validation");
      return;
    }
    if (outcome.kind === "response") {
      writeFunctionResponse(res, outcome.response, requestId, method === "HEAD");
      log(outcome.response.status, "function");
      return;
    }
    log(await fromOrigin(outcome.uri, req, res, requestId, method === "HEAD"), "origin");
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const method = req.method ?? "GET";
    const head = method === "HEAD";
    const path = rawPath(req.url);
    const runtime = runtimeFor(path);
    const log = (status: number, source: string, ran: EdgeRuntime | "none" = runtime) =>
      options.onRequest?.({ requestId, method, uri: path, status, source, runtime: ran });

    // The fast path's Lambda@Edge behaviours allow every method (the logout confirmation form POSTs).
    const anyMethod = (fn !== undefined && runtime === "lambda-edge") || allMethodsPaths.has(path);
    if (!allowed.has(method) && !(anyMethod && ALL_METHODS.has(method))) {
      refuse(
        res,
        403,
        "Error",
        "This distribution is not configured to allow the HTTP request method that was used for this request.",
        "",
        requestId,
      );
      log(403, "cloudfront", "none");
      return;
    }
    // Neither function gets a viewer-request body here (include_body = false): drain it.
    req.resume();

    if (fn && runtime === "cloudfront-function") {
      await viaFunction(fn, req, res, requestId, log);
      return;
    }

    const event = toViewerRequestEvent(
      {
        method,
        url: req.url ?? "/",
        rawHeaders: req.rawHeaders,
        clientIp: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1",
      },
      distribution,
      requestId,
    );
    const sent = event.Records[0]?.cf.request as CloudFrontRequest;
    // The function may change the request object it was given; keep what CloudFront sent to compare.
    const sentCopy = structuredClone(sent);
    let result: unknown;
    try {
      // The function runs against Lambda's timeout: CloudFront does not wait for it any longer.
      result = await runWithTimeout(
        () => handler(event, edgeContext(functionName, requestId, Date.now() + timeoutMs)),
        timeoutMs,
      );
    } catch (error) {
      const timedOut = error instanceof FunctionTimeout;
      refuse(
        res,
        503,
        "LambdaExecutionError",
        "The Lambda function associated with the CloudFront distribution is invalid or doesn't have the required permissions.",
        timedOut ? "The Lambda function timed out." : "",
        requestId,
        timedOut ? `function timed out after ${timeoutMs} ms` : undefined,
      );
      log(503, timedOut ? "lambda-timeout" : "lambda-error");
      return;
    }
    const outcome = classifyEdgeResult(result, sentCopy);
    if (outcome.kind === "invalid") {
      refuse(
        res,
        502,
        "LambdaValidationError",
        "The Lambda function returned an invalid response.",
        outcome.reason,
        requestId,
        outcome.reason,
      );
      log(502, "lambda-validation");
      return;
    }
    if (outcome.kind === "response") {
      writeGenerated(res, outcome.response, requestId, head);
      log(res.statusCode, "lambda");
      return;
    }
    log(await fromOrigin(outcome.request.uri, req, res, requestId, head), "origin");
  }

  const server = createServer((req, res) => {
    serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((error) => {
    dispose();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          dispose();
          if (err) reject(err);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
