import type { AwsCredentials } from "@static-sso/shared";

/**
 * The local stack's stand-in for the edge function's role: fixed, made-up credentials (they open
 * nothing in AWS) that the edge signs its validation calls with and the local IAM check accepts.
 */
export const LOCAL_EDGE_CREDENTIALS: Readonly<Required<AwsCredentials>> = {
  accessKeyId: "AKIALOCALEDGESTACK01",
  secretAccessKey: "local-stack-edge-secret-not-an-aws-key",
  sessionToken: "local-stack-edge-session",
};

/** The region the local validation API pretends to be in (SigV4's credential scope). */
export const LOCAL_API_REGION = "us-east-1";

const ENV_NAMES = {
  accessKeyId: "AWS_ACCESS_KEY_ID",
  secretAccessKey: "AWS_SECRET_ACCESS_KEY",
  sessionToken: "AWS_SESSION_TOKEN",
} as const;

let holders = 0;
let saved: Array<readonly [string, string | undefined]> = [];

/**
 * Gives the edge function its role's credentials the way Lambda does: environment variables. The
 * emulator runs the bundle in this process, so they are this process's. Several stacks may run at
 * once: the first call sets them, and when the last one releases them any earlier values (a
 * developer's own AWS keys, say) are put back.
 */
export function provideEdgeCredentials(): () => void {
  if (holders++ === 0) {
    saved = Object.values(ENV_NAMES).map((name) => [name, process.env[name]] as const);
    for (const [field, name] of Object.entries(ENV_NAMES))
      process.env[name] = LOCAL_EDGE_CREDENTIALS[field as keyof typeof ENV_NAMES];
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders > 0) return;
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
