import { createDeadline, createLogger, type Deadline, type LogSink } from "@static-sso/shared";
import type { CloudFrontRequestEvent, CloudFrontRequestResult, Context } from "aws-lambda";
import type { ConfigSource } from "./config/load-config.js";
import type { EdgeConfig } from "./config.js";
import { createHandler, type EdgeHandler, type HandlerDeps } from "./handle.js";
import { unavailableResponse } from "./render.js";

/** After a failed config load, requests in this window get the 503 at once; the next one after it retries. */
export const CONFIG_RETRY_MS = 5000;
/** A config from SSM is read again after this long (in the background), so a change reaches warm containers. */
export const CONFIG_RELOAD_MS = 5 * 60 * 1000;

export interface LambdaHandlerOptions extends HandlerDeps {
  /** `deadline`: the first request's; a reload gets a fresh one. */
  load: (functionName: string, deadline?: Deadline) => Promise<{ config: EdgeConfig; source: ConfigSource }>;
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
  // The last good config (as JSON, to tell a changed one) and when to read SSM again; none for a file.
  let current: string | undefined;
  let reloadAt: number | undefined;
  let reloading = false;

  const get = (functionName: string, deadline: Deadline): Promise<EdgeHandler> => {
    loading ??= options
      .load(functionName, deadline)
      .then(({ config, source }) => {
        logger.info("config loaded", {
          source: source.kind,
          from: source.kind === "file" ? "config.json" : source.name,
        });
        handler = createHandler(config, options);
        current = JSON.stringify(config);
        reloadAt = source.kind === "ssm" ? now() + CONFIG_RELOAD_MS : undefined;
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

  /**
   * Reads SSM again without holding up the request, which the last good config serves. A failed reload
   * keeps that config (and its caches) and is tried again a period later; only a changed config
   * replaces the handler.
   */
  const reloadInBackground = (functionName: string) => {
    reloading = true;
    options
      .load(functionName, createDeadline(now))
      .then(({ config }) => {
        const text = JSON.stringify(config);
        if (text !== current) {
          handler = createHandler(config, options);
          current = text;
          logger.info("config reloaded", { changed: true });
        }
      })
      .catch((error: unknown) => {
        const e = error as { code?: string; message?: string; field?: string };
        logger.warn("config reload failed, keeping the last good config", {
          errorCode: e.code,
          field: e.field,
          detail: e.message,
        });
      })
      .finally(() => {
        reloading = false;
        reloadAt = now() + CONFIG_RELOAD_MS;
      });
  };

  return async (event, context) => {
    if (handler) {
      if (reloadAt !== undefined && !reloading && now() >= reloadAt) reloadInBackground(context.functionName);
      return handler(event);
    }
    // Started before the config load, so a slow SSM eats into the same 5 s, not on top of it.
    const deadline = createDeadline(now);
    const requestId = event?.Records?.[0]?.cf?.config?.requestId;
    if (failedAt !== undefined && now() - failedAt < CONFIG_RETRY_MS) {
      logger.error("request", {
        requestId,
        outcome: "unavailable",
        status: 503,
        reason: "config_unavailable",
        detail: "backoff",
      });
      return unavailableResponse();
    }
    try {
      return await (await get(context.functionName, deadline))(event, deadline);
    } catch (error) {
      const e = error as { code?: string; message?: string; field?: string };
      logger.error("request", {
        requestId,
        outcome: "unavailable",
        status: 503,
        reason: "config_unavailable",
        errorCode: e.code,
        field: e.field,
        detail: e.message,
      });
      return unavailableResponse();
    }
  };
}
