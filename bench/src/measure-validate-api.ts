import { createValidator, startValidateServer } from "@static-sso/validate-api";
import type { BenchIdentity } from "./bench-identity.js";
import { type LoopOptions, type LoopResult, measureLoop } from "./children/measure-loop.mjs";
import { type HttpLoadResult, measureHttpLoad } from "./measure-http-load.js";
import { quietLogger } from "./quiet-logger.js";
import type { Scale } from "./scale.js";

export function validatorOptions(identity: BenchIdentity) {
  return {
    issuer: identity.issuer.issuer,
    audience: identity.clientId,
    jwksUri: identity.issuer.jwksUri,
    logger: quietLogger("validate-api"),
  };
}

/** createValidator().validate() in this process, its keys fetched once beforehand as a warm container has them. */
export async function validatorLoop(
  identity: BenchIdentity,
  token: string,
): Promise<(loop: LoopOptions) => Promise<LoopResult>> {
  const validator = createValidator(validatorOptions(identity));
  const first = await validator.validate(token);
  if (!first.valid) throw new Error(`the validator refused the bench token: ${first.error.code}`);
  return (loop) =>
    measureLoop(async () => {
      const result = await validator.validate(token);
      if (!result.valid) throw new Error(`the validator refused the bench token: ${result.error.code}`);
    }, loop);
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
