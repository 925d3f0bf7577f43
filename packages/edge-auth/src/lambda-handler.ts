import { createLogger, type LogSink } from "@static-sso/shared";
import type { CloudFrontRequestEvent, CloudFrontRequestResult, Context } from "aws-lambda";
import type { ConfigSource } from "./config/load-config.js";
import type { EdgeConfig } from "./config.js";
import { createDeadline } from "./deadline.js";
import { createHandler, type EdgeHandler, type HandlerDeps } from "./handler.js";
import { unavailableResponse } from "./responses.js";

/** After a failed config load, requests in this window get the 503 at once; the next one after it retries. */
export const CONFIG_RETRY_MS = 5000;

export interface LambdaHandlerOptions extends HandlerDeps {
  load: (functionName: string) => Promise<{ config: EdgeConfig; source: ConfigSource }>;
}

/**
 * The Lambda entry's logic: load the config once per container (and cache it), then delegate to
 * createHandler. A config that cannot be had gives a 503 page and a log line, never a crash loop.
 */
export function createLambdaHandler(
  options: LambdaHandlerOptions,
): (
  event: CloudFrontRequestEvent,
  context: Pick<Context, "functionName">,
) => Promise<CloudFrontRequestResult> {
  const now = options.now ?? Date.now;
  const logger = createLogger(
    { fn: "edge-auth" },
    options.logSink ? { sink: options.logSink as LogSink } : {},
  );
  let handler: EdgeHandler | undefined;
  let loading: Promise<EdgeHandler> | undefined;
  let failedAt: number | undefined;

  const get = (functionName: string): Promise<EdgeHandler> => {
    loading ??= options
      .load(functionName)
      .then(({ config, source }) => {
        logger.info("config loaded", {
          source: source.kind,
          from: source.kind === "file" ? "config.json" : source.name,
        });
        handler = createHandler(config, options);
        failedAt = undefined;
        return handler;
      })
      .catch((error: unknown) => {
        failedAt = now();
        loading = undefined;
        throw error;
      });
    return loading;
  };

  return async (event, context) => {
    if (handler) return handler(event);
    // Started before the config load, so a slow SSM eats into the same 5 s, not on top of it.
    const deadline = createDeadline(now);
    const requestId = event?.Records?.[0]?.cf?.config?.requestId;
    if (failedAt !== undefined && now() - failedAt < CONFIG_RETRY_MS) {
      logger.error("request", {
        requestId,
        decision: "unavailable",
        reason: "config_unavailable",
        detail: "backoff",
      });
      return unavailableResponse();
    }
    try {
      return await (await get(context.functionName))(event, deadline);
    } catch (error) {
      const e = error as { code?: string; message?: string; field?: string };
      logger.error("request", {
        requestId,
        decision: "unavailable",
        reason: "config_unavailable",
        errorCode: e.code,
        field: e.field,
        detail: e.message,
      });
      return unavailableResponse();
    }
  };
}
