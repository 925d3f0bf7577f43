// Which published key verifies a token: jose's createLocalJWKSet does the matching (kid, and kty/crv from
// alg) and the import; here the keys it picks are checked for what jose cannot verify with, several keys
// under one kid become a bounded list of candidates, and the answers are remembered per key set.
import { type Logger, TokenError } from "@static-sso/shared";
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters } from "jose";

type KeyGetter = ReturnType<typeof createLocalJWKSet>;
type ResolvedKey = Awaited<ReturnType<KeyGetter>>;
/** One key, or the keys published under the token's kid when there are several: each is tried in turn. */
export type KeyChoice = ResolvedKey | readonly ResolvedKey[];

/** Array.isArray does not narrow a readonly array out of a union. */
export const isCandidates = (key: KeyChoice): key is readonly ResolvedKey[] => Array.isArray(key);

/** Most keys remembered per key set (one per kid and alg seen); a JWKS rarely holds more than a few. */
const MAX_RESOLVED_KEYS = 16;

/**
 * Most keys tried for one kid: a token that verifies with none costs one signature check per candidate,
 * so a set with more under one kid is refused for that kid rather than made to cost without bound.
 */
export const MAX_KID_CANDIDATES = 8;

/** The shortest RSA modulus jose verifies with (anything shorter makes it throw a TypeError). */
const MIN_RSA_BITS = 2048;

export interface KeySet {
  get: KeyGetter;
  fetchedAt: number;
  /**
   * The keys its getter chose (imported, by the token header's kid and alg) and checked, so a warm
   * container's verification skips the JWK lookup; and the published keys that cannot be used, with
   * why. Both go away with the key set they came from.
   */
  resolved: Map<string, KeyChoice>;
  unusable: Map<string, TokenError>;
  /**
   * `resolved`'s answers by header object: the header decoder hands out one frozen object per encoded
   * header, so a warm container finds its key by identity instead of building and hashing a string.
   */
  byHeader: WeakMap<JWSHeaderParameters, KeyChoice>;
}

/** A key set for a fetched JWKS; createLocalJWKSet checks the document's shape (JWKSInvalid) and snapshots it. */
export function createKeySet(jwks: JSONWebKeySet, fetchedAt: number): KeySet {
  return {
    get: createLocalJWKSet(jwks),
    fetchedAt,
    resolved: new Map(),
    unusable: new Map(),
    byHeader: new WeakMap(),
  };
}

/** The header fields jose's key-set lookup chooses a key by (createLocalJWKSet: kid, and kty/crv from alg). */
function lookupKey(header: JWSHeaderParameters): string {
  return header.kid === undefined ? `${header.alg}` : `${header.alg} ${header.kid}`;
}

/** The key this set answered for this header before, if it did (memory only). */
export function rememberedKey(keys: KeySet, header: JWSHeaderParameters): KeyChoice | undefined {
  let key = keys.byHeader.get(header);
  if (key === undefined) {
    key = keys.resolved.get(lookupKey(header));
    if (key !== undefined && Object.isFrozen(header)) keys.byHeader.set(header, key);
  }
  return key;
}

/** Why jose could not verify with this key, or undefined when it can. */
function keyProblem(key: ResolvedKey, alg: string | undefined): string | undefined {
  if (!alg || !(alg.startsWith("RS") || alg.startsWith("PS"))) return undefined;
  const bits =
    (key as { algorithm?: { modulusLength?: unknown } }).algorithm?.modulusLength ??
    (key as { asymmetricKeyDetails?: { modulusLength?: unknown } }).asymmetricKeyDetails?.modulusLength;
  if (typeof bits === "number" && bits < MIN_RSA_BITS)
    return `the RSA key has ${bits} bits, at least ${MIN_RSA_BITS} are needed`;
  return undefined;
}

/**
 * The kids under which a set publishes more than one key that could verify (`use` absent or `sig`), with
 * how many. RFC 7517 asks for distinct kids; an IdP mid-rotation or a hand-merged JWKS may not have them.
 */
export function sharedKids(jwks: JSONWebKeySet): [kid: string, count: number][] {
  const counts = new Map<string, number>();
  for (const jwk of jwks.keys) {
    if (typeof jwk.kid !== "string" || (jwk.use !== undefined && jwk.use !== "sig")) continue;
    counts.set(jwk.kid, (counts.get(jwk.kid) ?? 0) + 1);
  }
  return [...counts].filter(([, count]) => count > 1);
}

/**
 * The key for this header in this key set: remembered, or looked up, checked and remembered. Throws
 * jose's JWKSNoMatchingKey (the caller may ask the IdP again: it may have rotated), jose's
 * JWKSMultipleMatchingKeys for a token without kid, or TokenError key_not_found for an unusable key.
 */
export async function selectKey(
  keys: KeySet,
  header: JWSHeaderParameters,
  logger?: Logger,
  requestId?: string,
): Promise<KeyChoice> {
  const id = lookupKey(header);
  const known = keys.resolved.get(id);
  if (known) return known;
  const refused = keys.unusable.get(id);
  if (refused) throw refused;
  const { key, problem } = await lookUp(keys, header, logger, requestId);
  if (key === undefined || problem !== undefined) {
    logger?.warn("unusable key", { kid: header.kid, alg: header.alg, problem, requestId });
    const refusal = new TokenError("key_not_found", "the issuer's key for this token cannot be used");
    if (keys.unusable.size < MAX_RESOLVED_KEYS) keys.unusable.set(id, refusal);
    throw refusal;
  }
  if (keys.resolved.size < MAX_RESOLVED_KEYS) keys.resolved.set(id, key);
  return key;
}

/** jose's answer for this header, with what makes it unusable; rethrows "no key" and "which key?". */
async function lookUp(
  keys: KeySet,
  header: JWSHeaderParameters,
  logger: Logger | undefined,
  requestId: string | undefined,
): Promise<{ key?: KeyChoice; problem?: string | undefined }> {
  try {
    const key = await keys.get(header);
    return { key, problem: keyProblem(key, header.alg) };
  } catch (error) {
    const several = error instanceof errors.JWKSMultipleMatchingKeys;
    // Several keys under the token's kid: the validator tries each usable one.
    if (several && header.kid !== undefined) return candidatesOf(error, header, logger, requestId);
    // No key, or several for a token without kid: the caller decides (an unknown kid may mean the IdP
    // rotated its keys). Without a kid, trying every key of the set would let any token cost that much.
    if (several || error instanceof errors.JWKSNoMatchingKey) throw error;
    // The published key does not import (a broken modulus or point, an unsupported parameter).
    return { problem: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/**
 * The keys jose found under one kid, each imported (jose's iterator skips one that does not import)
 * and checked; the usable ones, or the problem when none is or there are too many.
 */
async function candidatesOf(
  multiple: InstanceType<typeof errors.JWKSMultipleMatchingKeys>,
  header: JWSHeaderParameters,
  logger: Logger | undefined,
  requestId: string | undefined,
): Promise<{ key?: KeyChoice; problem?: string }> {
  const usableKeys: ResolvedKey[] = [];
  let seen = 0;
  for await (const candidate of multiple) {
    if (++seen > MAX_KID_CANDIDATES)
      return { problem: `more than ${MAX_KID_CANDIDATES} keys are published under this kid` };
    const problem = keyProblem(candidate, header.alg);
    if (problem === undefined) usableKeys.push(candidate);
    else logger?.warn("unusable key", { kid: header.kid, alg: header.alg, problem, requestId });
  }
  if (usableKeys.length === 0) return { problem: "none of the keys under this kid can be used" };
  return { key: usableKeys.length === 1 ? usableKeys[0] : usableKeys };
}
