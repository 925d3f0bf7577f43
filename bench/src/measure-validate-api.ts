import { createValidator, startValidateServer } from "@static-sso/validate-api";
import type { BenchIdentity } from "./bench-identity.js";
import { type LoopResult, measureLoop } from "./children/measure-loop.mjs";
import { type HttpLoadResult, measureHttpLoad } from "./measure-http-load.js";
import { quietLogger } from "./quiet-logger.js";
import type { Scale } from "./scale.js";

export interface ValidateApiResults {
  /** createValidator().validate() in this process, keys already cached: what one Lambda invocation does. */
  inProcess: LoopResult;
  /** The real HTTP server (startValidateServer) on loopback, loaded by autocannon from another process. */
  http: HttpLoadResult;
}

export function validatorOptions(identity: BenchIdentity) {
  return {
    issuer: identity.issuer.issuer,
    audience: identity.clientId,
    jwksUri: identity.issuer.jwksUri,
    logger: quietLogger("validate-api"),
  };
}

export async function measureValidatorInProcess(
  identity: BenchIdentity,
  token: string,
  scale: Scale,
): Promise<LoopResult> {
  const validator = createValidator(validatorOptions(identity));
  const first = await validator.validate(token); // fetches the JWKS once, as a warm container has it
  if (!first.valid) throw new Error(`the validator refused the bench token: ${first.error.code}`);
  return measureLoop(async () => {
    const result = await validator.validate(token);
    if (!result.valid) throw new Error(`the validator refused the bench token: ${result.error.code}`);
  }, scale);
}

export async function measureValidatorHttp(
  identity: BenchIdentity,
  token: string,
  scale: Scale,
  workDir: string,
): Promise<HttpLoadResult> {
  const server = await startValidateServer({ ...validatorOptions(identity), port: 0, host: "127.0.0.1" });
  try {
    return await measureHttpLoad(
      {
        url: server.validateUrl,
        method: "POST",
        headers: { authorization: `Bearer ${token}`, accept: "application/json" },
        connections: scale.httpConnections,
        seconds: scale.httpSeconds,
        ...(scale.name === "tiny" ? { amount: 30 } : {}),
      },
      workDir,
    );
  } finally {
    await server.close();
  }
}
