// The CloudFront Function's turn (fast path): run it, check its result as CloudFront does, then render
// its response or pass its URI to the origin.
import { answerFromOrigin } from "./answer-from-origin.js";
import type { EmulatorSettings } from "./emulator-settings.js";
import { toFunctionEvent } from "./function-event.js";
import { checkFunctionResult } from "./function-result.js";
import type { CloudFrontFunction } from "./function-sandbox.js";
import { incomingViewerRequest, type ViewerExchange } from "./viewer-exchange.js";
import { writeFunctionResponse } from "./write-generated.js";
import { writeRefusal } from "./write-refusal.js";

export async function runViewerFunction(
  fn: CloudFrontFunction,
  exchange: ViewerExchange,
  settings: EmulatorSettings,
): Promise<void> {
  const { req, res, requestId, head } = exchange;
  const event = toFunctionEvent(incomingViewerRequest(req), settings.distribution, requestId);
  // The function may change the request object it was given; keep what CloudFront sent to compare.
  const sent = structuredClone(event.request);
  const result = fn.run(event);
  if (result.kind === "error") {
    const reason = result.message.split("\n")[0];
    const title = "The CloudFront function associated with the CloudFront distribution returned an error.";
    writeRefusal(
      exchange,
      { status: 503, cache: "FunctionExecutionError", title, detail: "", reason },
      "function-error",
    );
    return;
  }
  const outcome = checkFunctionResult(result, sent);
  if (outcome.kind === "invalid") {
    const title = "The CloudFront function returned an invalid value to CloudFront.";
    const { reason } = outcome;
    writeRefusal(
      exchange,
      { status: 502, cache: "FunctionValidationError", title, detail: reason, reason },
      "function-validation",
    );
    return;
  }
  if (outcome.kind === "response") {
    writeFunctionResponse(res, outcome.response, requestId, head);
    exchange.log(outcome.response.status, "function");
    return;
  }
  exchange.log(await answerFromOrigin(outcome.uri, exchange, settings), "origin");
}
