// The emulator's public options and their defaults, apart from the code that reads them so the request
// pipeline's modules can import them without importing the entry point (cloudfront-emulator.ts
// re-exports every name here).
import type { ViewerRequestHandler } from "./load-edge-bundle.js";
import type { DistributionInfo } from "./viewer-request-event.js";

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
