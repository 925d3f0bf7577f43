import { type AwsCredentials, signRequest } from "@static-sso/shared";

/** Signs one validation API call: the request's headers in, the headers to send out. */
export type ValidateSigner = (request: {
  url: string;
  headers: Record<string, string>;
  body: string;
}) => Promise<Record<string, string>>;

export class MissingCredentialsError extends Error {
  override readonly name = "MissingCredentialsError";
}

/**
 * The runtime's role credentials. Lambda (and Lambda@Edge, whose functions take no environment of
 * their own) sets these variables for the execution role; read per call, as the SDK does.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): AwsCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey)
    throw new MissingCredentialsError("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
  const sessionToken = env.AWS_SESSION_TOKEN;
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

/** SigV4 for API Gateway (`execute-api`) in `region`, with the function's role. */
export function createValidateSigner(
  region: string,
  deps: { now: () => number; env?: NodeJS.ProcessEnv },
): ValidateSigner {
  return async ({ url, headers, body }) => {
    const target = new URL(url);
    const signed = await signRequest(
      {
        method: "POST",
        protocol: target.protocol,
        hostname: target.hostname,
        path: target.pathname,
        query: Object.fromEntries(target.searchParams),
        headers: { ...headers, host: target.host },
        body,
      },
      {
        credentials: credentialsFromEnv(deps.env ?? process.env),
        region,
        service: "execute-api",
        signingDate: new Date(deps.now()),
      },
    );
    // The HTTP client sends the same Host itself (fetch refuses to have it set).
    delete signed.host;
    return signed;
  };
}
