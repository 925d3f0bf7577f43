import { createDeadline, createLogger, type Deadline, type LogSink, UpstreamError } from "@static-sso/shared";
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from "aws-lambda";
import { accessRules, type EdgeConfig, parseConfig } from "./config.js";
import { type Decision, decide } from "./decide.js";
import { callback } from "./effects/callback.js";
import { startLogin } from "./effects/login.js";
import { logout } from "./effects/logout.js";
import { refresh } from "./effects/refresh.js";
import type { Answer, EdgeContext, RequestTrace, Step } from "./effects/step.js";
import { readFacts } from "./facts.js";
import { createDiscoveryCache } from "./oidc/discovery-cache.js";
import {
  GENERATED_RESPONSE_LIMIT_BYTES,
  generatedResponseBytes,
  internalErrorResponse,
  render,
} from "./render.js";
import { checkSession } from "./session/check-session.js";
import { cookieNames, sessionSetCookies } from "./session/cookies.js";
import { checkSessionCookie } from "./session/session-cookie.js";
import { createValidationCache } from "./session/validation-cache.js";
import { createValidateSigner } from "./validate-signer.js";

export interface HandlerDeps {
  fetch?: typeof fetch;
  /** Epoch ms; injected where expiry matters in tests. */
  now?: () => number;
  /** Where the JSON log lines go (default stdout). */
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
 * The viewer-request handler for one config. Per request: read the facts, check the session where the
 * path needs one, decide, run the decision's effect, render, log one line. Throws ConfigError (naming
 * the field) for a bad config.
 */
export function createHandler(
  input: EdgeConfig | Record<string, unknown>,
  deps: HandlerDeps = {},
): EdgeHandler {
  const ctx = createContext(input, deps);
  const { config, now } = ctx;
  const logger = createLogger({ fn: "edge-auth" }, { level: config.logLevel, sink: deps.logSink });
  const logPasses = config.logLevel === "debug";
  for (const overlap of ctx.rules.overlaps)
    logger.warn("rules overlap: paths under both need the roles", {
      publicRule: overlap.publicGlob,
      roleRule: overlap.roleGlob,
    });

  return async (event, given) => {
    const started = now();
    // Used as a Lambda handler itself (docs/contracts.md: "the same kind of handler"), the second
    // argument is Lambda's context, not a deadline: then the request gets its own.
    const deadline = typeof given?.remaining === "function" ? given : createDeadline(now);
    const cf = event?.Records?.[0]?.cf;
    const trace: RequestTrace = { timings: {} };
    try {
      if (!cf) throw new Error("not a CloudFront event");
      const facts = readFacts(cf.request, config, ctx.rules);
      const step: Step = { ctx, facts, deadline, trace };
      const session = facts.route.kind === "protected" ? await sessionOf(step) : undefined;
      const decision = decide(facts, session, config);
      const answer = await effectOf(decision, step);
      let result = render(answer.response, facts, { names: ctx.names, logoutPath: config.logoutPath });
      if ("status" in result && generatedResponseBytes(result) > GENERATED_RESPONSE_LIMIT_BYTES) {
        trace.detail = "response_too_large";
        result = internalErrorResponse();
      }
      // A plain pass logs at debug (off by default: CloudWatch bills ingestion, and CloudFront's access
      // logs already record each request); then the line is not even built, on the path most requests take.
      const pass = answer.response.kind === "pass";
      if (pass && !logPasses) return result;
      const fields = requestLine(cf.config?.requestId, facts.uri, answer, result, trace, now() - started);
      if (pass) logger.debug("request", fields);
      else logger.info("request", fields);
      return result;
    } catch (error) {
      // Unexpected: fail closed, once, here.
      logger.error("request", {
        requestId: cf?.config?.requestId,
        outcome: "error",
        reason: "internal_error",
        status: 500,
        // The key the validation API uses for its 500 (docs/logging.md); the logger keeps name and message.
        cause: error instanceof Error ? error : String(error),
        durationMs: now() - started,
      });
      return internalErrorResponse();
    }
  };
}

/** The request's one log line (docs/logging.md), as one flat object. */
function requestLine(
  requestId: string | undefined,
  uri: string,
  answer: Answer,
  result: CloudFrontRequestResult,
  trace: RequestTrace,
  durationMs: number,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    requestId,
    outcome: answer.outcome,
    reason: answer.reason,
    status: result && "status" in result ? Number(result.status) : undefined,
    path: uri.length > 200 ? uri.slice(0, 200) : uri,
    cache: trace.cache,
    detail: trace.detail,
    durationMs,
  };
  for (const key in trace.timings) fields[key] = trace.timings[key];
  return fields;
}

/** The decision's effect: the protocol step it names, or the answer it already is. */
async function effectOf(decision: Decision, step: Step): Promise<Answer> {
  const expired = () => sessionSetCookies(step.ctx.names, {}, step.facts.cookies);
  const as = (response: Answer["response"]): Answer => ({
    outcome: decision.kind,
    reason: decision.reason,
    response,
  });
  try {
    switch (decision.kind) {
      case "pass":
        return as({ kind: "pass", forwardPath: decision.forwardPath });
      case "refuse":
        step.trace.detail = decision.reason;
        return as({ kind: "bad_request" });
      case "deny":
        return as(
          decision.status === 403
            ? { kind: "forbidden" }
            : { kind: "unauthorized", reason: decision.reason, setCookies: expired() },
        );
      case "unavailable":
        return as({ kind: "unavailable" });
      case "logout_confirm":
        return as({ kind: "logout_confirm" });
      case "login":
        return as(await startLogin(step, expired()));
      case "refresh":
        return await refresh(step, decision.reason);
      case "callback":
        return await callback(step);
      case "logout":
        return await logout(step);
    }
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    step.trace.detail = error.upstream;
    return {
      outcome: "unavailable",
      reason: `${error.upstream}_unavailable`,
      response: { kind: "unavailable" },
    };
  }
}

/**
 * The session checked. Fast path: the signed session cookie, as the CloudFront Function checks it.
 * Otherwise the access token: the validation cache, a local look at `exp`, then the validation API.
 */
async function sessionOf(step: Step) {
  const { ctx, facts, deadline, trace } = step;
  const { config } = ctx;
  if (config.mode === "cloudfront-function" && config.sessionKeys)
    return checkSessionCookie(facts.cookies, { names: ctx.names, keys: config.sessionKeys, now: ctx.now });
  const session = await checkSession(facts.cookies, {
    names: ctx.names,
    clientId: config.clientId,
    cache: ctx.cache,
    cacheMaxMs: config.validationCacheMaxSeconds * 1000,
    now: ctx.now,
    validateUrl: config.validateUrl,
    timeoutMs: deadline.remaining(config.validateTimeoutMs),
    fetch: ctx.fetch,
    sign: ctx.signValidate,
    onValidateCall: (ms) => {
      trace.timings.validateMs = ms;
    },
  });
  if (session.kind === "valid") trace.cache = session.cached ? "hit" : "miss";
  return session;
}

/** What every request of a container shares: the parsed config, compiled rules, caches, the signer. */
function createContext(input: EdgeConfig | Record<string, unknown>, deps: HandlerDeps): EdgeContext {
  // Validated (and defaulted) here too, so a caller without AWS can pass the raw config JSON.
  const config = parseConfig(input);
  const now = deps.now ?? Date.now;
  return {
    config,
    rules: accessRules(config),
    names: cookieNames(config.cookiePrefix, config.mode === "cloudfront-function"),
    cache: createValidationCache({
      now,
      maxEntries: deps.cacheMaxEntries,
    }),
    discovery: createDiscoveryCache(config.issuer, { now, fetch: deps.fetch }),
    now,
    fetch: deps.fetch,
    signValidate:
      config.validateAuth === "iam" && config.validateRegion
        ? createValidateSigner(config.validateRegion, { now, env: deps.env })
        : undefined,
  };
}
