// A CloudFront emulator for the local stack and the browser tests. Written by hand because no maintained
// library runs a Lambda@Edge viewer-request function in front of an S3-like origin: the Lambda
// emulators (SAM local, serverless-offline, LocalStack's community edition) run API Gateway/Lambda
// events, not CloudFront's `Records[0].cf` event, and none renders a function's generated response
// the way CloudFront does. It is small on purpose: event in, result checked, response out.
//
// This file is the entry point; the parts live in cloudfront/: emulator-options.ts (the options and
// their defaults), emulator-settings.ts (defaults filled in, functions loaded), handle-viewer-request.ts
// (the per-request pipeline), run-lambda-edge.ts / run-viewer-function.ts (each function's turn),
// answer-from-origin.ts (the S3 origin), write-*.ts (responses) and http-lifecycle.ts (listen/stop).
import type { CloudFrontEmulatorOptions } from "./cloudfront/emulator-options.js";
import { resolveSettings } from "./cloudfront/emulator-settings.js";
import { handleViewerRequest } from "./cloudfront/handle-viewer-request.js";
import { serveHttp } from "./cloudfront/http-lifecycle.js";

export {
  AUTH_PATH_PATTERN,
  type CloudFrontEmulatorOptions,
  type EdgeRuntime,
  type RequestLogLine,
  SECURITY_HEADERS,
  VIEWER_REQUEST_TIMEOUT_MS,
  type ViewerFunctionOptions,
} from "./cloudfront/emulator-options.js";

export interface CloudFrontEmulator {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts an HTTP server that does, per request, what CloudFront does with a viewer-request
 * Lambda@Edge function in front of a private S3 origin: builds the event, runs the function, then
 * renders its generated response or fetches the (possibly changed) request's URI from the origin.
 */
export async function startCloudFrontEmulator(
  options: CloudFrontEmulatorOptions,
): Promise<CloudFrontEmulator> {
  const settings = resolveSettings(options);
  const server = await serveHttp(
    (req, res) => handleViewerRequest(settings, req, res),
    { port: settings.port, host: settings.host },
    settings.dispose,
  );
  return { url: `http://localhost:${server.port}`, port: server.port, stop: server.stop };
}
