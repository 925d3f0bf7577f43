import { fetchJson, isValidationErrorCode, type ValidationErrorCode } from "@static-sso/shared";
import type { ValidateSigner } from "./validate-signer.js";

export type ValidationOutcome =
  | { kind: "valid"; claims: Record<string, unknown>; expiresIn: number }
  | { kind: "invalid"; code: ValidationErrorCode }
  | { kind: "unavailable"; reason: string };

/**
 * Asks the validation API (`POST <validateUrl>`, body `{"token": ...}`) about a token. Only a
 * well-formed `200 {valid: true, claims}` is a yes and only a well-formed `401 {valid: false, error}` a no;
 * everything else (timeouts, 400, 403, 5xx, garbage) is `unavailable`, which the handler turns into a 503.
 * The token goes in the body, not a header: API Gateway's header limit is below the cookie budget, and
 * with IAM the Authorization header carries the SigV4 signature (`sign`).
 */
export async function validateToken(
  token: string,
  options: { validateUrl: string; timeoutMs: number; fetch?: typeof fetch; sign?: ValidateSigner },
): Promise<ValidationOutcome> {
  if (options.timeoutMs <= 0) return { kind: "unavailable", reason: "no_time_left" };
  const payload = JSON.stringify({ token });
  let headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (options.sign) {
    try {
      headers = await options.sign({ url: options.validateUrl, headers, body: payload });
    } catch {
      // No credentials in the environment, or the runtime lacks the signer: a 503, never unsigned.
      return { kind: "unavailable", reason: "validate_sign_failed" };
    }
  }
  let res: { status: number; body: unknown };
  try {
    res = await fetchJson(options.validateUrl, {
      upstream: "validate-api",
      timeoutMs: options.timeoutMs,
      maxBytes: 64 * 1024,
      init: { method: "POST", headers, body: payload },
      fetch: options.fetch,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    return {
      kind: "unavailable",
      reason: /within/.test(message) ? "validate_timeout" : "validate_unreachable",
    };
  }
  const body = res.body as { valid?: unknown; claims?: unknown; expiresIn?: unknown; error?: unknown } | null;
  if (res.status === 200 && body?.valid === true && typeof body.claims === "object" && body.claims !== null) {
    const expiresIn = typeof body.expiresIn === "number" && body.expiresIn > 0 ? body.expiresIn : 0;
    return { kind: "valid", claims: body.claims as Record<string, unknown>, expiresIn };
  }
  if (res.status === 401 && body?.valid === false && isValidationErrorCode(body.error)) {
    if (body.error === "jwks_unavailable")
      return { kind: "unavailable", reason: "validate_jwks_unavailable" };
    return { kind: "invalid", code: body.error };
  }
  // API Gateway's answer to a missing or wrong signature (or a role without execute-api:Invoke).
  if (res.status === 403) return { kind: "unavailable", reason: "validate_forbidden" };
  return { kind: "unavailable", reason: `validate_status_${res.status}` };
}
