import { createValidator, startValidateServer } from "@static-sso/validate-api";
import { importJWK, jwtVerify } from "jose";
import type { BenchIdentity } from "./bench-identity.js";
import { measureInterleaved } from "./children/measure-interleaved.mjs";
import type { LoopOptions, LoopResult } from "./children/measure-loop.mjs";
import { type HttpLoadResult, measureHttpLoad } from "./measure-http-load.js";
import {
  bareVerifyOptions,
  benchTokens,
  interleavedOptions,
  versusBare,
} from "./measure-validate-handler.js";
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

export interface ValidatorVsBare {
  /** The two loops of the round whose p50 ratio is the median one. */
  inProcess: LoopResult;
  bareJose: LoopResult;
  /** Bare's p50 over the validator's, per round, and their median (the target's measure). */
  inProcessVsBare: number;
  inProcessVsBareRounds: number[];
  /** The validator's verifications/s over bare's (each side's calls back to back), per round, and median. */
  throughputVsBare: number;
  throughputVsBareRounds: number[];
}

/**
 * createValidator().validate() against bare jose.jwtVerify in this process, called turn about, call by
 * call (children/measure-interleaved.mjs), on the same tokens, as the handler's measure does: bare with
 * the key imported from the published JWK (what the validator's key cache holds) and the same checks
 * but our own required claims; `rounds` rounds, each side about `loop.loopMs` of calls in each.
 */
export async function measureValidatorVsBare(
  identity: BenchIdentity,
  token: string,
  loop: LoopOptions,
  rounds: number,
): Promise<ValidatorVsBare> {
  const tokens = await benchTokens(identity, token);
  const validator = createValidator(validatorOptions(identity));
  const key = await importJWK(identity.key.publicJwk, "RS256");
  const verify = bareVerifyOptions(identity);
  const pick = (index: number) => tokens[index % tokens.length] as string;
  const results = await measureInterleaved(
    async (index) => {
      const result = await validator.validate(pick(index));
      if (!result.valid) throw new Error(`the validator refused the bench token: ${result.error.code}`);
    },
    async (index) => {
      await jwtVerify(pick(index), key, verify);
    },
    interleavedOptions(loop, rounds),
  );
  const v = versusBare(results.map((r) => ({ ours: r.a, bare: r.b })));
  return {
    inProcess: v.round.ours,
    bareJose: v.round.bare,
    inProcessVsBare: v.p50Ratio,
    inProcessVsBareRounds: v.p50Ratios,
    throughputVsBare: v.throughputRatio,
    throughputVsBareRounds: v.throughputRatios,
  };
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
