import { createDeadline, createLogger } from "@static-sso/shared";
import type { CloudFrontRequestEvent, CloudFrontRequestResult, Context } from "aws-lambda";
import { ConfigBackoff, configLifecycle, errorFields, type LoadConfig } from "./config/config-lifecycle.js";
import { createHandler, type HandlerDeps } from "./handle.js";
import { unavailableResponse } from "./render.js";

export { CONFIG_RELOAD_MS, CONFIG_RETRY_MS } from "./config/config-lifecycle.js";

export interface LambdaHandlerOptions extends HandlerDeps {
  /** `deadline`: the first request's; a reload gets a fresh one. */
  load: LoadConfig;
}

/**
 * The Lambda entry's logic: the container's config (config/config-lifecycle.ts), then createHandler's
 * handler for it. A config that cannot be had gives a 503 page and a log line, never a crash loop.
 */
export function createLambdaHandler(
  options: LambdaHandlerOptions,
): (
  event: CloudFrontRequestEvent,
  context: Pick<Context, "functionName">,
) => Promise<CloudFrontRequestResult> {
  const now = options.now ?? Date.now;
  const logger = createLogger({ fn: "edge-auth" }, options.logSink ? { sink: options.logSink } : {});
  const config = configLifecycle(options.load, (c) => createHandler(c, options), logger, now);

  return async (event, context) => {
    const handler = config.ready(context.functionName);
    if (handler) return handler(event);
    // Started before the config load, so a slow SSM eats into the same 5 s, not on top of it.
    const deadline = createDeadline(now);
    try {
      return await (await config.first(context.functionName, deadline))(event, deadline);
    } catch (error) {
      logger.error("request", {
        requestId: event?.Records?.[0]?.cf?.config?.requestId,
        outcome: "unavailable",
        status: 503,
        reason: "config_unavailable",
        ...(error instanceof ConfigBackoff ? { detail: "backoff" } : errorFields(error)),
      });
      return unavailableResponse();
    }
  };
}
