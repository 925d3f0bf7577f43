// The Lambda@Edge function's turn: run it against its timeout, check its result as CloudFront does,
// then render its generated response or fetch the (possibly changed) request's URI from the origin.
import type { CloudFrontRequest } from "aws-lambda";
import { answerFromOrigin } from "./answer-from-origin.js";
import { classifyEdgeResult } from "./edge-result.js";
import type { EmulatorSettings } from "./emulator-settings.js";
import { edgeContext } from "./load-edge-bundle.js";
import { FunctionTimeout, runWithTimeout } from "./run-with-timeout.js";
import { incomingViewerRequest, type ViewerExchange } from "./viewer-exchange.js";
import { toViewerRequestEvent } from "./viewer-request-event.js";
import { writeGenerated } from "./write-generated.js";
import { writeRefusal } from "./write-refusal.js";

/** What the function returned, or `undefined` once it threw or timed out (then already answered 503). */
async function invokeLambda(
  exchange: ViewerExchange,
  settings: EmulatorSettings,
  event: ReturnType<typeof toViewerRequestEvent>,
): Promise<{ result: unknown } | undefined> {
  const { functionName, functionTimeoutMs: timeoutMs } = settings;
  const { requestId } = exchange;
  try {
    // The function runs against Lambda's timeout: CloudFront does not wait for it any longer.
    const context = edgeContext(functionName, requestId, Date.now() + timeoutMs);
    return { result: await runWithTimeout(() => settings.handler(event, context), timeoutMs) };
  } catch (error) {
    const timedOut = error instanceof FunctionTimeout;
    const title =
      "The Lambda function associated with the CloudFront distribution is invalid or doesn't have the required permissions.";
    writeRefusal(
      exchange,
      {
        status: 503,
        cache: "LambdaExecutionError",
        title,
        detail: timedOut ? "The Lambda function timed out." : "",
        reason: timedOut ? `function timed out after ${timeoutMs} ms` : undefined,
      },
      timedOut ? "lambda-timeout" : "lambda-error",
    );
    return undefined;
  }
}

export async function runLambdaEdge(exchange: ViewerExchange, settings: EmulatorSettings): Promise<void> {
  const { req, res, requestId, head } = exchange;
  const event = toViewerRequestEvent(incomingViewerRequest(req), settings.distribution, requestId);
  const sent = event.Records[0]?.cf.request as CloudFrontRequest;
  // The function may change the request object it was given; keep what CloudFront sent to compare.
  const sentCopy = structuredClone(sent);
  const ran = await invokeLambda(exchange, settings, event);
  if (!ran) return;
  const outcome = classifyEdgeResult(ran.result, sentCopy);
  if (outcome.kind === "invalid") {
    const { reason } = outcome;
    writeRefusal(
      exchange,
      {
        status: 502,
        cache: "LambdaValidationError",
        title: "The Lambda function returned an invalid response.",
        detail: reason,
        reason,
      },
      "lambda-validation",
    );
    return;
  }
  if (outcome.kind === "response") {
    writeGenerated(res, outcome.response, requestId, head);
    exchange.log(res.statusCode, "lambda");
    return;
  }
  exchange.log(await answerFromOrigin(outcome.request.uri, exchange, settings), "origin");
}
