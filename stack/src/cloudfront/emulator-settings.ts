// The options with every default filled in and both functions loaded, once at start, so the request
// pipeline reads plain values and never repeats a `??`.
import { EXAMPLE_DISTRIBUTION } from "@static-sso/testing";
import {
  AUTH_PATH_PATTERN,
  type CloudFrontEmulatorOptions,
  SECURITY_HEADERS,
  VIEWER_REQUEST_TIMEOUT_MS,
  type ViewerFunctionOptions,
} from "./emulator-options.js";
import { type CloudFrontFunction, loadCloudFrontFunction } from "./function-sandbox.js";
import { loadEdgeBundle, type ViewerRequestHandler } from "./load-edge-bundle.js";
import type { S3OriginOptions } from "./s3-origin.js";
import type { DistributionInfo } from "./viewer-request-event.js";

export interface EmulatorSettings {
  /** The Lambda@Edge function. */
  handler: ViewerRequestHandler;
  /** Removes the bundle's copy (a no-op for an in-process handler). */
  dispose: () => void;
  /** The CloudFront Function of the fast path, if any. */
  viewerFunction: CloudFrontFunction | undefined;
  lambdaPathPatterns: string[];
  /** As Lambda@Edge reports it: region prefix included. */
  functionName: string;
  allowedMethods: ReadonlySet<string>;
  allMethodsPaths: ReadonlySet<string>;
  responseHeaders: Record<string, string>;
  functionTimeoutMs: number;
  host: string;
  port: number;
  distribution: DistributionInfo;
  origin: S3OriginOptions;
  onRequest: CloudFrontEmulatorOptions["onRequest"];
}

/** Loads the CloudFront Function: one that cannot run in cloudfront-js-2.0 throws FunctionLoadError. */
function loadViewerFunction(options: ViewerFunctionOptions | undefined): CloudFrontFunction | undefined {
  if (!options) return undefined;
  return loadCloudFrontFunction(options.code, {
    kvs: options.kvsFile,
    log: options.log ?? ((line) => process.stdout.write(`${line}\n`)),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}

/** The Lambda@Edge function: the in-process handler, else the bundle loaded as Lambda loads it. */
function loadLambda(options: CloudFrontEmulatorOptions): Pick<EmulatorSettings, "handler" | "dispose"> {
  if (options.handler) return { handler: options.handler, dispose: () => {} };
  if (options.edgeBundle) {
    const loaded = loadEdgeBundle(options.edgeBundle, options.edgeConfig);
    return { handler: loaded.handler, dispose: loaded.dispose };
  }
  throw new TypeError("startCloudFrontEmulator needs edgeBundle or handler");
}

/** Fills in the defaults. The function is loaded before the bundle so a bad one stops the start first. */
export function resolveSettings(options: CloudFrontEmulatorOptions): EmulatorSettings {
  const viewerFunction = loadViewerFunction(options.viewerFunction);
  return {
    ...loadLambda(options),
    viewerFunction,
    lambdaPathPatterns: options.viewerFunction?.lambdaPathPatterns ?? [AUTH_PATH_PATTERN],
    functionName: `us-east-1.${options.functionName ?? "static-site-edge-auth"}`,
    allowedMethods: new Set(options.allowedMethods ?? ["GET", "HEAD", "OPTIONS"]),
    allMethodsPaths: new Set(options.allMethodsPaths ?? []),
    responseHeaders: options.responseHeaders ?? SECURITY_HEADERS,
    functionTimeoutMs: options.functionTimeoutMs ?? VIEWER_REQUEST_TIMEOUT_MS,
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    distribution: {
      distributionDomainName:
        options.distribution?.distributionDomainName ?? EXAMPLE_DISTRIBUTION.distributionDomainName,
      distributionId: options.distribution?.distributionId ?? EXAMPLE_DISTRIBUTION.distributionId,
    },
    origin: {
      root: options.originDir,
      ...(options.defaultRootObject ? { defaultRootObject: options.defaultRootObject } : {}),
      directoryIndex: options.directoryIndex ?? false,
    },
    onRequest: options.onRequest,
  };
}
