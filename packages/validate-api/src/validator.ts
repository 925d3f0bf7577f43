import { ConfigError, type Logger, TokenError } from "@static-sso/shared";
import { errors, type JWSHeaderParameters, type JWTPayload, type JWTVerifyOptions, jwtVerify } from "jose";
import { DEFAULT_ALGORITHMS, isSupportedAlgorithm, type SupportedAlgorithm } from "./algorithms.js";
import { checkClaims } from "./claims.js";
import { createHeaderDecoder } from "./decode-header.js";
import {
  createJwksSource,
  isCandidates,
  type JwksCache,
  type JwksTiming,
  type KeyChoice,
  type KeySource,
} from "./jwks.js";
import { mapJoseError } from "./map-jose-error.js";

export interface ValidatorOptions {
  /** The expected `iss`, exactly (`ISSUER`). */
  issuer: string;
  /** One accepted `aud` or a list; the token must name at least one (`AUDIENCE`, comma separated). */
  audience: string | string[];
  /** Where the keys are; taken from the issuer's discovery document when absent (`JWKS_URI`). */
  jwksUri?: string;
  /** Allowed JWS algorithms, asymmetric only (`ALLOWED_ALGS`, default RS256,ES256,PS256). */
  algorithms?: readonly string[];
  /** Leeway for exp, nbf and iat, in seconds (`CLOCK_TOLERANCE_S`, default 30). */
  clockToleranceSeconds?: number;
  /** Claims the token must carry besides iss, aud and exp (`REQUIRED_CLAIMS`, default iat,sub). */
  requiredClaims?: readonly string[];
  /** Tokens longer than this are refused before any parsing (`MAX_TOKEN_BYTES`, default 16384). */
  maxTokenBytes?: number;
  /**
   * Longest a token may live: `exp` at most this many seconds after `iat` (after now when the token has
   * no `iat`), so `expiresIn` never exceeds it (`MAX_TOKEN_LIFETIME_S`, default 86400).
   */
  maxTokenLifetimeSeconds?: number;
  /** JWKS cache timings (`JWKS_CACHE_TTL_S`, `JWKS_COOLDOWN_S`, `JWKS_TIMEOUT_MS`). */
  jwks?: Partial<JwksTiming>;
  /** The key cache; defaults to the container-wide one. Tests pass their own. */
  jwksCache?: JwksCache;
  /** Milliseconds since the epoch; the token's times and the cache's are measured with it. */
  clock?: () => number;
  fetch?: typeof fetch;
  logger?: Logger;
}

export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
export const DEFAULT_REQUIRED_CLAIMS: readonly string[] = ["iat", "sub"];
export const DEFAULT_MAX_TOKEN_BYTES = 16 * 1024;
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 86_400;

export type ValidationResult =
  | {
      valid: true;
      claims: JWTPayload;
      /** Seconds until `exp` (never negative, never above maxTokenLifetimeSeconds). */
      expiresIn: number;
      /** From the protected header, for logs. */
      alg: string;
      kid?: string;
    }
  | { valid: false; error: TokenError };

export interface Validator {
  /**
   * Verifies a compact JWS. Expected failures come back as `{ valid: false, error }`, never thrown.
   * `requestId` only labels the log lines of a key fetch this request starts.
   */
  validate(token: string, requestId?: string): Promise<ValidationResult>;
}

/** The options, checked and with their defaults: what every validation reads. */
interface Settings {
  issuer: string;
  algorithms: string[];
  allowed: ReadonlySet<string>;
  audience: string[];
  tolerance: number;
  required: string[];
  maxTokenBytes: number;
  maxLifetime: number;
  clock: () => number;
}

/** Checks the options once, at construction: a bad one throws a ConfigError naming it. */
function settingsOf(options: ValidatorOptions): Settings {
  const algorithms = [...(options.algorithms ?? DEFAULT_ALGORITHMS)];
  for (const alg of algorithms) {
    // Fail at construction, not per request: `none` and HMAC must never become verifiable.
    if (!isSupportedAlgorithm(alg)) {
      throw new ConfigError(
        "algorithms",
        `contains ${alg}: only asymmetric signature algorithms can be allowed`,
      );
    }
  }
  if (algorithms.length === 0) throw new ConfigError("algorithms", "is empty");
  if (!options.issuer) throw new ConfigError("issuer", "is missing");
  const audience = typeof options.audience === "string" ? [options.audience] : [...options.audience];
  if (audience.length === 0 || audience.some((a) => !a))
    throw new ConfigError("audience", "is missing or empty");
  const maxLifetime = options.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  if (!Number.isSafeInteger(maxLifetime) || maxLifetime <= 0)
    throw new ConfigError("maxTokenLifetimeSeconds", "must be a whole number of seconds above 0");
  return {
    issuer: options.issuer,
    algorithms,
    allowed: new Set<string>(algorithms as SupportedAlgorithm[]),
    audience,
    tolerance: options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
    required: ["exp", ...(options.requiredClaims ?? DEFAULT_REQUIRED_CLAIMS)],
    maxTokenBytes: options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES,
    maxLifetime,
    clock: options.clock ?? Date.now,
  };
}

export function createValidator(options: ValidatorOptions): Validator {
  const settings = settingsOf(options);
  const getKey = createJwksSource({
    issuer: options.issuer,
    jwksUri: options.jwksUri,
    timing: options.jwks,
    cache: options.jwksCache,
    fetch: options.fetch,
    logger: options.logger,
    clock: settings.clock,
  });
  const decodeHeader = createHeaderDecoder();

  // Not an async function, and no .catch here (verified maps its own errors): each async layer is
  // another promise and microtask per request, a measurable share next to jwtVerify's (bench: the
  // handler against bare jose).
  return {
    validate(token, requestId) {
      const header = checkedHeader(token, settings, decodeHeader);
      if (header instanceof TokenError) return Promise.resolve({ valid: false, error: header });
      return verified(token, header, settings, getKey, requestId);
    },
  };
}

/** An expected failure as a refusal; anything else is rethrown (the handler answers 500: fail closed). */
function refused(error: unknown): ValidationResult {
  const mapped = mapJoseError(error);
  if (mapped) return { valid: false, error: mapped };
  throw error;
}

/** What is checked before any key is looked up: the size, a readable header, the algorithm, the kid. */
function checkedHeader(
  token: string,
  { maxTokenBytes, allowed }: Settings,
  decodeHeader: (token: string) => JWSHeaderParameters,
): (JWSHeaderParameters & { alg: string }) | TokenError {
  // Size first: a huge token is never decoded (its length in UTF-16 units bounds its UTF-8 bytes from below).
  // A UTF-16 unit is at most 3 UTF-8 bytes, so a short token needs no byte count.
  if (
    token.length > maxTokenBytes ||
    (token.length * 3 > maxTokenBytes && Buffer.byteLength(token, "utf8") > maxTokenBytes)
  ) {
    return new TokenError("token_malformed", `the token is larger than ${maxTokenBytes} bytes`);
  }
  let header: JWSHeaderParameters;
  try {
    header = decodeHeader(token);
  } catch (cause) {
    return new TokenError("token_malformed", "the token is not a well-formed signed JWT", { cause });
  }
  const { alg, kid } = header as { alg: unknown; kid: unknown };
  // Checked before any key is looked up, so `none` and HS256 never cost a JWKS fetch.
  if (typeof alg !== "string" || !allowed.has(alg)) {
    return new TokenError("algorithm_not_allowed", "the token's signing algorithm is not allowed");
  }
  if (kid !== undefined && typeof kid !== "string") {
    return new TokenError("token_malformed", "the token's kid is not a string");
  }
  return header as JWSHeaderParameters & { alg: string };
}

/** The token verified with its key and its claims judged; expected failures come back as refusals. */
async function verified(
  token: string,
  header: JWSHeaderParameters & { alg: string },
  s: Settings,
  getKey: KeySource,
  requestId: string | undefined,
): Promise<ValidationResult> {
  // One try around the awaits (jose's errors, TokenError), not a .catch on the promise: one layer less.
  try {
    // The key first (a warm container has it in memory, synchronously; otherwise it may take a fetch),
    // then the time: exp, nbf and expiresIn are measured when the key is at hand, not before a fetch.
    const key = getKey.fresh(header, requestId) ?? (await getKey(header, requestId));
    const now = s.clock();
    // jose checks: signature (key type fits alg), alg against the allow-list again, iss, aud (one of
    // the list), exp and nbf with the tolerance, presence of the required claims.
    const options: JWTVerifyOptions = {
      issuer: s.issuer,
      audience: s.audience,
      algorithms: s.algorithms,
      clockTolerance: s.tolerance,
      requiredClaims: s.required,
      currentDate: new Date(now),
    };
    const payload = isCandidates(key)
      ? await verifyEach(token, key, options)
      : (await jwtVerify(token, key, options)).payload;
    const refusal = checkClaims(payload, {
      nowSeconds: Math.floor(now / 1000),
      toleranceSeconds: s.tolerance,
      maxLifetimeSeconds: s.maxLifetime,
    });
    if (refusal) return { valid: false, error: refusal };
    const exp = payload.exp as number; // required, a number (jose) and finite (checkClaims)
    const { alg, kid } = header;
    return {
      valid: true,
      claims: payload,
      // exp - iat <= maxLifetime, but iat may be up to the tolerance ahead of now.
      expiresIn: Math.min(s.maxLifetime, Math.max(0, Math.floor(exp - now / 1000))),
      alg,
      ...(kid !== undefined ? { kid } : {}),
    };
  } catch (error) {
    return refused(error);
  }
}

/**
 * Verifies with each of several keys published under the token's kid in turn (jose's documented way to
 * handle JWKSMultipleMatchingKeys). jose checks the signature before any claim, so only a signature
 * failure moves on to the next key; the key that verifies has the last word.
 */
async function verifyEach(
  token: string,
  keys: readonly Exclude<KeyChoice, readonly unknown[]>[],
  options: JWTVerifyOptions,
): Promise<JWTPayload> {
  for (const candidate of keys) {
    try {
      return (await jwtVerify(token, candidate, options)).payload;
    } catch (error) {
      if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw error;
    }
  }
  throw new TokenError(
    "signature_invalid",
    `the token's signature does not verify with any of the ${keys.length} keys under its kid`,
  );
}
