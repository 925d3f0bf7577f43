import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, UpstreamError } from "@static-sso/shared";
import { type EdgeConfig, parseConfigText } from "../config.js";
import { ssmParameterName } from "./ssm-parameter-name.js";

/** How long one SSM call may take; the first request of a container also has to do its own work. */
export const SSM_TIMEOUT_MS = 1500;

export type ConfigSource = { kind: "file"; path: string } | { kind: "ssm"; name: string };

/**
 * The config for this container: `config.json` beside the bundle when present (the build zips it in),
 * else the SSM parameter named after the function (SecureString, decrypted, in us-east-1).
 * Throws ConfigError (bad or missing content) or UpstreamError (SSM not answering).
 */
export async function loadConfig(
  dir: string,
  functionName: string,
): Promise<{ config: EdgeConfig; source: ConfigSource }> {
  const file = join(dir, "config.json");
  if (existsSync(file)) {
    return { config: parseConfigText(readFileSync(file, "utf8")), source: { kind: "file", path: file } };
  }
  const name = ssmParameterName(functionName);
  return { config: parseConfigText(await readSsmParameter(name)), source: { kind: "ssm", name } };
}

/**
 * Reads a SecureString with decryption. The SDK is imported here, lazily, so a bundle with config.json
 * never loads it (cold start); Lambda's Node.js runtime ships it, so the bundle leaves it out.
 * `AWS_ENDPOINT_URL_SSM` (honoured by the SDK) points it elsewhere, as the tests do.
 */
export async function readSsmParameter(name: string): Promise<string> {
  const { SSMClient, GetParameterCommand } = await import("@aws-sdk/client-ssm");
  const client = new SSMClient({ region: "us-east-1", maxAttempts: 2 });
  try {
    const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }), {
      abortSignal: AbortSignal.timeout(SSM_TIMEOUT_MS),
    });
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
