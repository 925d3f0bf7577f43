import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, createDeadline, type Deadline, UpstreamError } from "@static-sso/shared";
import { type EdgeConfig, parseConfigText } from "../config.js";
import { retryWithJitter } from "./retry-with-jitter.js";
import { ssmParameterName } from "./ssm-parameter-name.js";

/** How long one SSM call may take. */
export const SSM_TIMEOUT_MS = 1500;
/**
 * All SSM attempts of one load together, waits included: the first request of a container also has to
 * do its own work (a validation call) within Lambda@Edge's 5 s.
 */
export const SSM_BUDGET_MS = 3000;
/** Backoff between attempts: full jitter, base and cap. */
export const SSM_BACKOFF = { baseMs: 100, capMs: 1000, minAttemptMs: 250 } as const;

/** SSM's answers that say "slow down" rather than "no". */
const THROTTLED = new Set(["ThrottlingException", "ThrottledException", "TooManyRequestsException"]);

/** Worth another attempt: throttled, a 5xx, or no HTTP answer at all (network, the attempt's timeout). */
export function isRetryableSsmError(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  if (e?.name && THROTTLED.has(e.name)) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  return error instanceof Error;
}

export type ConfigSource = { kind: "file"; path: string } | { kind: "ssm"; name: string };

/**
 * The config for this container: `config.json` beside the bundle when present (the build zips it in),
 * else the SSM parameter named after the function (SecureString, decrypted, in us-east-1).
 * Throws ConfigError (bad or missing content) or UpstreamError (SSM not answering).
 */
export async function loadConfig(
  dir: string,
  functionName: string,
  deadline?: Deadline,
): Promise<{ config: EdgeConfig; source: ConfigSource }> {
  const file = join(dir, "config.json");
  if (existsSync(file)) {
    return { config: parseConfigText(readFileSync(file, "utf8")), source: { kind: "file", path: file } };
  }
  const name = ssmParameterName(functionName);
  return { config: parseConfigText(await readSsmParameter(name, deadline)), source: { kind: "ssm", name } };
}

/**
 * Reads a SecureString with decryption, retrying throttling, 5xx and network failures with full jitter
 * within `deadline` (at most SSM_BUDGET_MS): a burst of cold starts must not fail logins because SSM
 * throttles. Our loop rather than the SDK's retries (`maxAttempts: 1`): the SDK's know no deadline.
 * The SDK is imported here, lazily, so a bundle with config.json never loads it (cold start); Lambda's
 * Node.js runtime ships it, so the bundle leaves it out. `AWS_ENDPOINT_URL_SSM` (honoured by the SDK)
 * points it elsewhere, as the tests do.
 */
export async function readSsmParameter(name: string, deadline?: Deadline): Promise<string> {
  const { SSMClient, GetParameterCommand } = await import("@aws-sdk/client-ssm");
  const client = new SSMClient({ region: "us-east-1", maxAttempts: 1 });
  const budget = createDeadline(Date.now, deadline ? deadline.remaining(SSM_BUDGET_MS) : SSM_BUDGET_MS);
  try {
    const out = await retryWithJitter(
      (timeoutMs) =>
        client.send(new GetParameterCommand({ Name: name, WithDecryption: true }), {
          abortSignal: AbortSignal.timeout(Math.max(1, timeoutMs)),
        }),
      { deadline: budget, attemptCapMs: SSM_TIMEOUT_MS, retryable: isRetryableSsmError, ...SSM_BACKOFF },
    );
    const value = out.Parameter?.Value;
    if (!value) throw new ConfigError("(ssm)", `parameter ${name} has no value`);
    return value;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const name_ = (error as { name?: string }).name;
    if (name_ === "ParameterNotFound") throw new ConfigError("(ssm)", `parameter ${name} does not exist`);
    throw new UpstreamError("ssm", `GetParameter ${name} failed (${name_ ?? "error"})`, { cause: error });
  } finally {
    client.destroy();
  }
}
