// The key source the validator asks: which key set answers this request (fresh, stale with a background
// refresh, or waited for) and, for an unknown kid, whether the IdP may be asked again. The parts live
// beside it: fetch-jwks.ts (HTTP), jwks-cache.ts and refresh-policy.ts (what is kept and for how long),
// key-refresher.ts (getting keys into the cache), select-key.ts (which key of a set).
//
// Why not jose's createRemoteJWKSet: it has the unknown-kid cool-down, but once its cacheMaxAge passes it
// re-fetches and throws when the IdP is down, i.e. it cannot keep verifying with the last good keys
// ("serve stale"), it makes the request wait for that re-fetch, it takes no clock (so tests would have to
// sleep) and its state lives inside one closure per URL. We keep jose for the hard part
// (createLocalJWKSet: kid/alg/kty/crv/use matching and key import) and do the fetching and caching here,
// in a module-level cache shared by every validator of the container.
import { type Deadline, type Logger, TokenError } from "@static-sso/shared";
import { errors, type JWSHeaderParameters } from "jose";
import { type CacheEntry, type JwksCache, sharedJwksCache } from "./jwks-cache.js";
import { createKeyRefresher, type KeyRefresher, refreshDeadline } from "./key-refresher.js";
import {
  ageOf,
  DEFAULT_JWKS_TIMING,
  type JwksTiming,
  mayFetchForUnknownKid,
  mayRetry,
  usable,
} from "./refresh-policy.js";
import { type KeyChoice, type KeySet, rememberedKey, selectKey } from "./select-key.js";

export { JwksCache, sharedJwksCache } from "./jwks-cache.js";
export { DEFAULT_JWKS_TIMING, type JwksTiming } from "./refresh-policy.js";
export { isCandidates, type KeyChoice, MAX_KID_CANDIDATES, sharedKids } from "./select-key.js";

export interface JwksSourceOptions {
  issuer: string;
  jwksUri?: string;
  timing?: Partial<JwksTiming>;
  cache?: JwksCache;
  /** Milliseconds since the epoch; the keys' ages are measured with it (deadlines with the real clock). */
  clock?: () => number;
  fetch?: typeof fetch;
  logger?: Logger;
}

/**
 * Finds the public key for a token's protected header. Throws TokenError or a jose error. `requestId`
 * only labels the log lines of a fetch the request starts.
 */
export type KeySource = ((header: JWSHeaderParameters, requestId?: string) => Promise<KeyChoice>) & {
  /**
   * The key the source would answer with, synchronously, when that answer needs nothing but memory: the
   * key set is usable (fresh, or stale within maxStaleMs) and this kid and alg were looked up in it
   * before. Otherwise undefined (call the source itself). A stale set starts a refresh in the background.
   */
  fresh(header: JWSHeaderParameters, requestId?: string): KeyChoice | undefined;
};

/** The key set a request reads, the URI it came from and its cache entry. */
interface Held {
  uri: string;
  entry: CacheEntry;
  keys: KeySet;
}

/** What the request path works with: the source's settings and the request's deadline. */
interface Request {
  refresher: KeyRefresher;
  cache: JwksCache;
  timing: JwksTiming;
  clock: () => number;
  deadline: Deadline;
  requestId: string | undefined;
}

export function createJwksSource(options: JwksSourceOptions): KeySource {
  const timing = { ...DEFAULT_JWKS_TIMING, ...options.timing };
  const cache = options.cache ?? sharedJwksCache;
  const clock = options.clock ?? Date.now;
  const { logger } = options;
  const refresher = createKeyRefresher({ ...options, timing, cache, clock });

  const fresh = (header: JWSHeaderParameters, requestId?: string): KeyChoice | undefined => {
    const uri = refresher.currentUri();
    if (uri === undefined) return undefined;
    const entry = cache.touch(uri);
    const keys = entry?.keys;
    const now = clock();
    if (!entry || !usable(keys, now, timing)) return undefined;
    const age = ageOf(entry, keys, now, timing);
    if (age === "wait") return undefined; // the request path waits for the refresh
    if (age === "stale") refresher.refreshBehind(uri, entry, now, requestId);
    return rememberedKey(keys, header);
  };

  const source = async (header: JWSHeaderParameters, requestId?: string): Promise<KeyChoice> => {
    // The request's own bound: it never waits longer than one refresh's deadline for keys.
    const request: Request = {
      refresher,
      cache,
      timing,
      clock,
      deadline: refreshDeadline(timing),
      requestId,
    };
    const held = await heldKeys(request);
    try {
      return await selectKey(held.keys, header, logger, requestId);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      const after = await askAgainForKid(request, held);
      if (!after) throw error;
      return selectKey(after, header, logger, requestId);
    }
  };
  return Object.assign(source, { fresh });
}

/** Waits for `flight`, but not past the request's deadline. */
async function within({ deadline, timing }: Request, flight: Promise<void>): Promise<void> {
  const ms = deadline.remaining(timing.timeoutMs);
  if (ms <= 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([flight, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** The issuer's JWKS URI, discovering it first (within the deadline) when it is not known yet. */
async function knownUri(request: Request): Promise<string> {
  const { refresher, timing, clock, requestId } = request;
  const known = refresher.currentUri();
  if (known !== undefined) return known;
  const discovery = refresher.discoveryEntry();
  if (discovery.inflight || mayRetry(discovery, clock(), timing))
    await within(request, refresher.coldStart(requestId));
  const uri = refresher.currentUri();
  if (uri === undefined) {
    throw new TokenError("jwks_unavailable", "the issuer's discovery document cannot be fetched");
  }
  return uri;
}

/**
 * The keys this request verifies with: cached and fresh; stale, refreshed in the background; long
 * stale, after waiting for a refresh (the old keys only when it fails); or none yet, after waiting for
 * a fetch. Throws jwks_unavailable when no usable keys are had within the deadline.
 */
async function heldKeys(request: Request): Promise<Held> {
  const { refresher, cache, timing, clock, requestId } = request;
  const uri = await knownUri(request);
  const entry = cache.entry(uri);
  const keys = entry.keys;
  const now = clock();
  if (!usable(keys, now, timing)) return awaitedKeys(request, uri, entry);
  const age = ageOf(entry, keys, now, timing);
  if (age === "stale") refresher.refreshBehind(uri, entry, now, requestId);
  if (age !== "wait") return { uri, entry, keys };
  // Long stale: wait for the refresh (within the request's bound); the old keys only if it fails.
  await within(request, refresher.refreshKeys(uri, entry, requestId));
  const afterUri = refresher.currentUri() ?? uri;
  const after = cache.touch(afterUri);
  if (after?.keys && usable(after.keys, clock(), timing))
    return { uri: afterUri, entry: after, keys: after.keys };
  return { uri, entry, keys };
}

/** No usable keys at `uri`: wait for them (within the request's bound), or jwks_unavailable. */
async function awaitedKeys(request: Request, uri: string, entry: CacheEntry): Promise<Held> {
  const { refresher, cache, timing, clock, requestId } = request;
  if (entry.inflight || mayRetry(entry, clock(), timing))
    await within(request, refresher.refreshKeys(uri, entry, requestId));
  const movedUri = refresher.currentUri() ?? uri; // a failed fetch may have found the JWKS under a new URI
  const moved = cache.entry(movedUri);
  if (!usable(moved.keys, clock(), timing)) {
    throw new TokenError("jwks_unavailable", "the issuer's signing keys cannot be fetched");
  }
  return { uri: movedUri, entry: moved, keys: moved.keys };
}

/**
 * Unknown kid: perhaps the IdP rotated its keys. Ask again, at most once per cool-down; a request that
 * arrives while a refresh is under way waits for it (within its bound) instead of starting another.
 * Whatever happens to that refresh, the answer is key_not_found unless it brings new keys (undefined
 * then): keys are cached, only this kid is not among them.
 */
async function askAgainForKid(request: Request, { uri, entry, keys }: Held): Promise<KeySet | undefined> {
  const { refresher, cache, timing, clock, requestId } = request;
  let flight = entry.inflight;
  if (!flight) {
    if (!mayFetchForUnknownKid(entry, clock(), timing)) return undefined;
    flight = refresher.refreshKeys(uri, entry, requestId);
  }
  await within(request, flight);
  const after = cache.touch(refresher.currentUri() ?? uri)?.keys;
  if (!usable(after, clock(), timing) || after === keys) return undefined;
  return after;
}
