import { createLogger, type LogSink } from "@static-sso/shared";
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from "aws-lambda";
import { accessRules, type EdgeConfig, parseConfig } from "./config.js";
import { createDeadline, type Deadline } from "./deadline.js";
import { type HandlerContext, handleRequest, type RequestTrace } from "./handle-request.js";
import { createDiscoveryCache } from "./oidc/discovery-cache.js";
import {
  GENERATED_RESPONSE_LIMIT_BYTES,
  generatedResponseBytes,
  internalErrorResponse,
} from "./responses.js";
import { cookieNames } from "./session/cookies.js";
import { createValidationCache } from "./session/validation-cache.js";
import { createValidateSigner } from "./validate-signer.js";
import { readViewerRequest } from "./viewer-request.js";

export interface HandlerDeps {
  fetch?: typeof fetch;
  /** Epoch ms; injected where expiry matters in tests. */
  now?: () => number;
  /** Where the one JSON log line per request goes (default stdout). */
  logSink?: LogSink;
  /** Most entries in the validation cache (default 1000). */
  cacheMaxEntries?: number;
  /** Where SigV4 credentials come from (default process.env, as Lambda sets it). */
  env?: NodeJS.ProcessEnv;
}

/**
 * `deadline`: the request's share of Lambda@Edge's 5 s, when it started before this handler did (the
 * cold start's config load); a new one otherwise.
 */
export type EdgeHandler = (
  event: CloudFrontRequestEvent,
  deadline?: Deadline,
) => Promise<CloudFrontRequestResult>;

/**
 * The viewer-request handler for one config. The closure holds what may be shared between requests of
 * a container (config, the validation cache, the discovery document); everything else lives per call.
 * Throws ConfigError (naming the field) for a bad config.
 */
export function createHandler(
  input: EdgeConfig | Record<string, unknown>,
  deps: HandlerDeps = {},
): EdgeHandler {
  // Validated (and defaulted) here too, so a caller without AWS can pass the raw config JSON.
  const config = parseConfig(input);
  const now = deps.now ?? Date.now;
  const logger = createLogger({ fn: "edge-auth" }, deps.logSink ? { sink: deps.logSink } : {});
  const rules = accessRules(config);
  // Fail closed, but say so: such a path needs the roles, which its public rule may have meant to waive.
  for (const overlap of rules.overlaps)
    logger.warn("rules overlap: paths under both need the roles", {
      publicRule: overlap.publicGlob,
      roleRule: overlap.roleGlob,
    });
  const ctx: HandlerContext = {
    config,
    rules,
    names: cookieNames(config.cookiePrefix),
    cache: createValidationCache({
      now,
      ...(deps.cacheMaxEntries ? { maxEntries: deps.cacheMaxEntries } : {}),
    }),
    discovery: createDiscoveryCache(config.issuer, { now, ...(deps.fetch ? { fetch: deps.fetch } : {}) }),
    now,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(config.validateAuth === "iam" && config.validateRegion
      ? {
          signValidate: createValidateSigner(config.validateRegion, {
            now,
            ...(deps.env ? { env: deps.env } : {}),
          }),
        }
      : {}),
  };

  return async (event, deadline = createDeadline(now)) => {
    const started = now();
    const cf = event?.Records?.[0]?.cf;
    const requestId = cf?.config?.requestId;
    const trace: RequestTrace = { timings: {} };
    try {
      if (!cf) throw new Error("not a CloudFront event");
      const req = readViewerRequest(cf.request);
      const { decision, result } = await handleRequest(ctx, cf.request, req, deadline, trace);
      let out = result;
      if ("status" in out && generatedResponseBytes(out) > GENERATED_RESPONSE_LIMIT_BYTES) {
        trace.detail = "response_too_large";
        out = internalErrorResponse();
      }
      // One flat object for the one line: no spreads on the path every page view takes.
      const fields: Record<string, unknown> = {
        requestId,
        decision: decision.type,
        reason: decision.reason,
        status: "status" in out ? Number(out.status) : undefined,
        path: req.uri.length > 200 ? req.uri.slice(0, 200) : req.uri,
        cache: trace.cache,
        detail: trace.detail,
        durationMs: now() - started,
      };
      for (const key in trace.timings) fields[key] = trace.timings[key];
      logger.info("request", fields);
      return out;
    } catch (error) {
      // Unexpected: fail closed, once, here.
      logger.error("request", {
        requestId,
        decision: "error",
        reason: "internal_error",
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        durationMs: now() - started,
      });
      return internalErrorResponse();
    }
  };
}
