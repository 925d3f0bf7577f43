// The per-request pipeline: pick the behaviour for the path, apply its allowed methods, then hand the
// request to that behaviour's function (which answers and logs it).
import type { IncomingMessage, ServerResponse } from "node:http";
import { globMatch } from "@static-sso/authz-core";
import type { EdgeRuntime } from "./emulator-options.js";
import type { EmulatorSettings } from "./emulator-settings.js";
import { runLambdaEdge } from "./run-lambda-edge.js";
import { runViewerFunction } from "./run-viewer-function.js";
import { openExchange, type ViewerExchange } from "./viewer-exchange.js";
import { writeRefusal } from "./write-refusal.js";

/** CloudFront's widest allowed_methods set. */
const ALL_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]);

/** The behaviour a path falls in, as CloudFront picks it: the Lambda@Edge ones first, then the default. */
function runtimeFor(settings: EmulatorSettings, path: string): EdgeRuntime {
  const lambdaPath = settings.lambdaPathPatterns.some((p) => globMatch(p, path));
  return settings.viewerFunction && !lambdaPath ? "cloudfront-function" : "lambda-edge";
}

/** Whether the behaviour allows the method (else CloudFront answers 403 before any function runs). */
function methodAllowed(settings: EmulatorSettings, exchange: ViewerExchange): boolean {
  const { method, path, runtime } = exchange;
  if (settings.allowedMethods.has(method)) return true;
  // The fast path's Lambda@Edge behaviours allow every method (the logout confirmation form POSTs).
  const fastPathLambda = settings.viewerFunction !== undefined && runtime === "lambda-edge";
  const anyMethod = fastPathLambda || settings.allMethodsPaths.has(path);
  return anyMethod && ALL_METHODS.has(method);
}

export async function handleViewerRequest(
  settings: EmulatorSettings,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const exchange = openExchange(req, res, (path) => runtimeFor(settings, path), settings.onRequest);
  if (!methodAllowed(settings, exchange)) {
    const title =
      "This distribution is not configured to allow the HTTP request method that was used for this request.";
    writeRefusal(exchange, { status: 403, cache: "Error", title, detail: "" }, "cloudfront", "none");
    return;
  }
  // Neither function gets a viewer-request body here (include_body = false): drain it.
  req.resume();
  if (settings.viewerFunction && exchange.runtime === "cloudfront-function") {
    await runViewerFunction(settings.viewerFunction, exchange, settings);
    return;
  }
  await runLambdaEdge(exchange, settings);
}
