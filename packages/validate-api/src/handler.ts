import { performance } from "node:perf_hooks";
import { createLogger, type Logger, type ValidationErrorCode } from "@static-sso/shared";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { readToken } from "./read-token.js";
import { routeOf } from "./route-of.js";
import { createValidator, DEFAULT_MAX_TOKEN_BYTES, type ValidatorOptions } from "./validator.js";

export type HandlerOptions = ValidatorOptions;
export type ValidateHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

const STATUS: Record<ValidationErrorCode, number> = {
  token_missing: 400,
  bad_request: 400,
  jwks_unavailable: 503,
  token_malformed: 401,
  algorithm_not_allowed: 401,
  key_not_found: 401,
  signature_invalid: 401,
  token_expired: 401,
  token_not_yet_valid: 401,
  issuer_invalid: 401,
  audience_invalid: 401,
  claim_invalid: 401,
};

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}) {
  return {
    statusCode,
    // Answers about tokens are never cached by anything in between; the edge keeps its own cache.
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
    body: JSON.stringify(body),
  } satisfies APIGatewayProxyStructuredResultV2;
}

/**
 * The API Gateway HTTP API (payload 2.0) handler: `POST /validate` and `GET /health`. It reads the event,
 * asks the validator and shapes the answer; one JSON log line per request, never with the token.
 */
export function createHandler(options: HandlerOptions): ValidateHandler {
  const logger: Logger = options.logger ?? createLogger({ service: "validate-api" });
  const validator = createValidator({ ...options, logger });
  const maxTokenBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;

  return async (event) => {
    const started = performance.now();
    let requestId: string | undefined;
    let route = { method: "", path: "" };
    const log = (status: number, outcome: string, fields: Record<string, unknown> = {}) =>
      logger[status >= 500 ? "error" : "info"]("request", {
        requestId,
        method: route.method,
        path: route.path,
        status,
        outcome,
        ...fields,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      });

    try {
      // Inside the try: whatever the event holds (null, fields of the wrong type), the answer is shaped here.
      const id = event?.requestContext?.requestId;
      if (typeof id === "string") requestId = id;
      route = routeOf(event);
      if (route.path === "/health") {
        if (route.method !== "GET" && route.method !== "HEAD") return methodNotAllowed(log, "GET");
        log(200, "health");
        return json(200, { ok: true });
      }
      if (route.path !== "/validate") {
        // Not a contract answer: the body API Gateway itself gives for a route it does not have.
        log(404, "not_found");
        return json(404, { message: "Not Found" });
      }
      if (route.method !== "POST") return methodNotAllowed(log, "POST");

      const request = readToken(event, maxTokenBytes);
      if (!request.ok) {
        const status = STATUS[request.error.code];
        log(status, "rejected", { error: request.error.code });
        return json(status, { valid: false, error: request.error.code, message: request.error.message });
      }
      const result = await validator.validate(request.token, requestId);
      if (!result.valid) {
        const status = STATUS[result.error.code];
        log(status, status === 503 ? "unavailable" : "invalid", {
          error: result.error.code,
          source: request.source,
        });
        return json(status, { valid: false, error: result.error.code, message: result.error.message });
      }
      log(200, "valid", { alg: result.alg, kid: result.kid, source: request.source });
      return json(200, { valid: true, claims: result.claims, expiresIn: result.expiresIn });
    } catch (error) {
      // Unexpected: fail closed, say nothing about why to the caller.
      log(500, "error", { error: "internal_error", cause: error });
      return json(500, { valid: false, error: "internal_error", message: "the token could not be checked" });
    }
  };
}

/** 405 with an Allow header; like 404, not a contract answer, so no contract error code in the body. */
function methodNotAllowed(
  log: (status: number, outcome: string, fields?: Record<string, unknown>) => void,
  allow: string,
) {
  log(405, "method_not_allowed");
  return json(405, { message: "Method Not Allowed" }, { allow });
}
