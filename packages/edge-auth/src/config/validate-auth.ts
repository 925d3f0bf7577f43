import { ConfigError } from "@static-sso/shared";

/** How the edge authenticates to the validation API: SigV4 with its role (`iam`) or not at all. */
export type ValidateAuth = "iam" | "none";

export interface ValidateAuthConfig {
  validateAuth: ValidateAuth;
  /** The API's region, for SigV4's credential scope (only with `iam`). */
  validateRegion?: string;
}

const API_HOST = /\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

/**
 * `validateAuth` (default `none`, so configs written before it keep working) and `validateRegion`
 * (default: read from an `execute-api.<region>.amazonaws.com` host; required for any other host, a
 * custom domain say, when signing).
 */
export function parseValidateAuth(raw: Record<string, unknown>, validateUrl: string): ValidateAuthConfig {
  const auth = raw.validateAuth ?? "none";
  if (auth !== "iam" && auth !== "none") throw new ConfigError("validateAuth", 'must be "iam" or "none"');
  const given = raw.validateRegion;
  if (given !== undefined && (typeof given !== "string" || !REGION.test(given)))
    throw new ConfigError("validateRegion", "must be an AWS region such as us-east-1");
  if (auth === "none") return { validateAuth: "none" };
  const region = (given as string | undefined) ?? API_HOST.exec(new URL(validateUrl).hostname)?.[1];
  if (region === undefined)
    throw new ConfigError(
      "validateRegion",
      "is required with validateAuth iam when validateUrl is not an execute-api.<region>.amazonaws.com host",
    );
  return { validateAuth: "iam", validateRegion: region };
}
