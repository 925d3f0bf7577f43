import type { AccessRules } from "@static-sso/authz-core";
import type { Deadline, DiscoveryDocument } from "@static-sso/shared";
import type { EdgeConfig } from "../config.js";
import type { Facts } from "../facts.js";
import type { DiscoveryCache } from "../oidc/discovery-cache.js";
import type { Response } from "../render.js";
import { originalPath, safeReturnPath } from "../return-path.js";
import type { CookieNames } from "../session/cookies.js";
import type { ValidationCache } from "../session/validation-cache.js";
import { siteOriginOf } from "../site-origin.js";
import type { ValidateSigner } from "../validate-signer.js";

/** Shared by every request of a container: config, compiled rules, caches. Nothing request-specific. */
export interface EdgeContext {
  config: EdgeConfig;
  rules: AccessRules;
  names: CookieNames;
  cache: ValidationCache;
  discovery: DiscoveryCache;
  now: () => number;
  fetch?: typeof fetch;
  /** Signs validation API calls (config `validateAuth: "iam"`). */
  signValidate?: ValidateSigner;
}

/** Per request: what the log line reports beyond the outcome. */
export interface RequestTrace {
  timings: Record<string, number>;
  cache?: "hit" | "miss";
  detail?: string;
}

/** One protocol step's inputs: the container's context, this request's facts, budget and trace. */
export interface Step {
  ctx: EdgeContext;
  facts: Facts;
  deadline: Deadline;
  trace: RequestTrace;
}

/** What an effect ends in: the log line's outcome and reason, and the response to render. */
export interface Answer {
  outcome: string;
  reason: string;
  response: Response;
}

/** Runs `work`, adding its time to `trace.timings[key]`. */
export async function timed<T>(step: Step, key: string, work: () => Promise<T>): Promise<T> {
  const started = step.ctx.now();
  try {
    return await work();
  } finally {
    step.trace.timings[key] = (step.trace.timings[key] ?? 0) + (step.ctx.now() - started);
  }
}

/** The IdP's discovery document (cached per container), within this request's budget. */
export function discovery(step: Step): Promise<DiscoveryDocument> {
  const { ctx, deadline } = step;
  return timed(step, "discoveryMs", () => ctx.discovery.get(deadline.remaining(ctx.config.idpTimeoutMs)));
}

export function siteOrigin(step: Step): string {
  return siteOriginOf(step.facts.host, step.ctx.config);
}

/** `{ fetch }` when one is injected (tests), for the calls that take it. */
export function fetchOption(step: Step): { fetch?: typeof fetch } {
  return step.ctx.fetch ? { fetch: step.ctx.fetch } : {};
}

/**
 * Where to send the browser once the step is done: the page asked for, or, on the fast path's
 * `/_auth/login` and `/_auth/refresh`, the page the CloudFront Function sent it from (`return`, kept on
 * this site).
 */
export function returnTo(step: Step): string {
  const { facts } = step;
  if (facts.route.kind === "login" || facts.route.kind === "refresh")
    return safeReturnPath(new URLSearchParams(facts.querystring).get("return") ?? undefined);
  return originalPath(facts.uri, facts.querystring);
}
