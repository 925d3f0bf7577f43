import { performance } from "node:perf_hooks";
import { fetchDiscovery, fetchJson, type Logger, TokenError, UpstreamError } from "@static-sso/shared";
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters } from "jose";

// Why not jose's createRemoteJWKSet: it has the unknown-kid cool-down, but once its cacheMaxAge passes it
// re-fetches and throws when the IdP is down, i.e. it cannot keep verifying with the last good keys
// ("serve stale"), it makes the request wait for that re-fetch, it takes no clock (so tests would have to
// sleep) and its state lives inside one closure per URL. We keep jose for the hard part
// (createLocalJWKSet: kid/alg/kty/crv/use matching and key import) and do the fetching and caching here,
// in a module-level cache shared by every validator of the container.

export interface JwksTiming {
  /** Keys younger than this are used without asking the IdP. Default 10 minutes. */
  ttlMs: number;
  /** Least time between two fetches of one JWKS caused by an unknown `kid`. Default 30 s. */
  cooldownMs: number;
  /** After a failed fetch, the next attempt waits this long (a down IdP is not hammered). Default 5 s. */
  retryAfterFailureMs: number;
  /**
   * How long past its TTL a key set is used at once while a refresh runs in the background. Past this,
   * a request waits (within timeoutMs) for the refresh, and uses the old keys only when it fails: a
   * Lambda container is frozen between invocations, so a background refresh may never finish under
   * sparse traffic, and a key the IdP has withdrawn must not stay trusted for long. Default 10 minutes.
   */
  revalidateMs: number;
  /** How long past its TTL a key set may still be used while the IdP cannot be reached. Default 24 h. */
  maxStaleMs: number;
  /**
   * One deadline for one refresh, discovery and JWKS together, and the longest a request ever waits for
   * keys; well under the 2 s the edge gives this API. Default 1500 ms.
   */
  timeoutMs: number;
}

export const DEFAULT_JWKS_TIMING: JwksTiming = {
  ttlMs: 10 * 60_000,
  revalidateMs: 10 * 60_000,
  cooldownMs: 30_000,
  retryAfterFailureMs: 5_000,
  maxStaleMs: 24 * 60 * 60_000,
  timeoutMs: 1_500,
};

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

interface KeySet {
  get: KeyGetter;
  fetchedAt: number;
  /**
   * The keys its getter chose (imported, by the token header's kid and alg) and checked, so a warm
   * container's verification skips the JWK lookup; and the published keys that cannot be used, with
   * why. Both go away with the key set they came from.
   */
  resolved: Map<string, KeyChoice>;
  unusable: Map<string, TokenError>;
}

interface CacheEntry {
  /** For JWKS entries: the last good key set and when it was fetched. */
  keys?: KeySet;
  /** For discovery entries: the issuer's jwks_uri, asked again only when fetching the JWKS fails. */
  jwksUri?: { value: string; fetchedAt: number };
  lastAttemptAt?: number;
  lastFailureAt?: number;
  /** The refresh under way (never rejects); every request that needs it shares it. */
  inflight?: Promise<void>;
  /** How many fetches were started for this entry (for tests and logs). */
  fetches: number;
}

/**
 * What is cached: per JWKS URI the last good key set, and per issuer the discovered jwks_uri.
 * How big: at most `maxEntries` entries (least recently used evicted first). How long: see JwksTiming.
 * Safe to share between requests and validators: it holds only public keys and fetch bookkeeping.
 */
export class JwksCache {
  readonly #entries = new Map<string, CacheEntry>();
  constructor(readonly maxEntries = 32) {}

  entry(key: string): CacheEntry {
    let entry = this.#entries.get(key);
    if (entry) this.#entries.delete(key);
    else entry = { fetches: 0 };
    this.#entries.set(key, entry); // re-insert: Map order is our LRU order
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    return entry;
  }

  /** The entry if there is one (made most recently used), without creating it. */
  touch(key: string): CacheEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** How many fetches of this JWKS URI (or `discovery:<issuer>`) were started. */
  fetchCount(key: string): number {
    return this.#entries.get(key)?.fetches ?? 0;
  }

  /** Resolves once no refresh is under way (background refreshes included); for tests and shutdown. */
  async settled(): Promise<void> {
    for (;;) {
      const flights = [...this.#entries.values()].flatMap((e) => (e.inflight ? [e.inflight] : []));
      if (flights.length === 0) return;
      await Promise.all(flights);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** One cache per warm Lambda container (module scope: config-independent, safe to share). */
export const sharedJwksCache = new JwksCache();

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

/** The header fields jose's key-set lookup chooses a key by (createLocalJWKSet: kid, and kty/crv from alg). */
function lookupKey(header: JWSHeaderParameters): string {
  return header.kid === undefined ? `${header.alg}` : `${header.alg} ${header.kid}`;
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

const MAX_JWKS_BYTES = 256 * 1024;

export function createJwksSource(options: JwksSourceOptions): KeySource {
  const timing = { ...DEFAULT_JWKS_TIMING, ...options.timing };
  const cache = options.cache ?? sharedJwksCache;
  const clock = options.clock ?? Date.now;
  const fetchOpts = options.fetch ? { fetch: options.fetch } : {};
  const discoveryKey = `discovery:${options.issuer}`;
  const logger = options.logger;

  const mayRetry = (entry: CacheEntry, now: number) =>
    entry.lastFailureAt === undefined || now - entry.lastFailureAt >= timing.retryAfterFailureMs;

  const usable = (keys: KeySet | undefined, now: number): keys is KeySet =>
    keys !== undefined && now - keys.fetchedAt <= timing.ttlMs + timing.maxStaleMs;

  /**
   * What a usable key set's age asks of a request, for the fast path and the request path alike:
   * `fresh` use it; `stale` use it, refreshing in the background when none is under way and a retry is
   * allowed; `wait` past the background window (TTL + revalidateMs) with a refresh running or allowed,
   * wait for it and fall back to these keys only when it fails.
   */
  const ageOf = (entry: CacheEntry, keys: KeySet, now: number): "fresh" | "stale" | "wait" => {
    const age = now - keys.fetchedAt;
    if (age < timing.ttlMs) return "fresh";
    if (age > timing.ttlMs + timing.revalidateMs && (entry.inflight || mayRetry(entry, now))) return "wait";
    return "stale";
  };
  /** Starts the background refresh a `stale` key set calls for (errors are logged, never awaited). */
  const refreshBehind = (uri: string, entry: CacheEntry, now: number, requestId: string | undefined) => {
    if (!entry.inflight && mayRetry(entry, now)) void refreshKeys(uri, entry, requestId);
  };

  /** Milliseconds left before `deadline` (performance.now()); throws when none are. */
  const left = (deadline: number, upstream: string) => {
    const ms = Math.ceil(deadline - performance.now());
    if (ms <= 0) throw new UpstreamError(upstream, `no time left within ${timing.timeoutMs} ms`);
    return ms;
  };

  /** Runs `run` with a fresh deadline unless a refresh of this entry is under way; never rejects. */
  const singleFlight = (
    entry: CacheEntry,
    requestId: string | undefined,
    run: (deadline: number) => Promise<void>,
  ): Promise<void> => {
    if (!entry.inflight) {
      entry.inflight = run(performance.now() + timing.timeoutMs)
        .catch((error: unknown) => {
          logger?.warn("jwks fetch failed", { error, requestId, issuer: options.issuer });
        })
        .finally(() => {
          entry.inflight = undefined;
        });
    }
    return entry.inflight;
  };

  /** Fetches the JWKS at `uri` into `entry`, recording the attempt (and a failure) there. */
  const fetchKeys = async (uri: string, entry: CacheEntry, deadline: number): Promise<void> => {
    entry.fetches++;
    entry.lastAttemptAt = clock();
    try {
      const { status, body } = await fetchJson<JSONWebKeySet>(uri, {
        upstream: "jwks",
        timeoutMs: left(deadline, "jwks"),
        maxBytes: MAX_JWKS_BYTES,
        ...fetchOpts,
      });
      if (status !== 200) throw new UpstreamError("jwks", `answered ${status}`);
      // createLocalJWKSet checks the document's shape (JWKSInvalid) and snapshots it.
      entry.keys = {
        get: createLocalJWKSet(body),
        fetchedAt: clock(),
        resolved: new Map(),
        unusable: new Map(),
      };
      entry.lastFailureAt = undefined;
      // Here, once per fetched set, not per request: each of these keys is tried for a token naming the kid.
      for (const [kid, count] of sharedKids(body)) {
        logger?.warn("several keys under one kid", { kid, count, jwksUri: uri, issuer: options.issuer });
      }
    } catch (error) {
      entry.lastFailureAt = clock();
      throw error;
    }
  };

  /**
   * Asks the issuer's discovery document for its jwks_uri, recording the attempt in the discovery entry.
   * The caller decides when the answer becomes the issuer's jwks_uri (`adopt`).
   */
  const discover = async (deadline: number): Promise<string> => {
    const entry = cache.entry(discoveryKey);
    entry.fetches++;
    entry.lastAttemptAt = clock();
    try {
      const doc = await fetchDiscovery(options.issuer, {
        timeoutMs: left(deadline, "discovery"),
        ...fetchOpts,
      });
      entry.lastFailureAt = undefined;
      return doc.jwks_uri;
    } catch (error) {
      entry.lastFailureAt = clock();
      throw error;
    }
  };

  const adopt = (uri: string) => {
    cache.entry(discoveryKey).jwksUri = { value: uri, fetchedAt: clock() };
  };

  /** The JWKS URI keys are read from now: configured, or the one discovery found last. */
  const currentUri = (): string | undefined => options.jwksUri ?? cache.touch(discoveryKey)?.jwksUri?.value;

  /**
   * Refreshes the key set at `uri`. With a discovered URI, a failed fetch asks discovery again (the JWKS
   * may have moved) and, when it names another URI, fetches that one within the same deadline; the
   * issuer's jwks_uri changes only once keys were had from the new one.
   */
  const refreshKeys = (uri: string, entry: CacheEntry, requestId: string | undefined) =>
    singleFlight(entry, requestId, async (deadline) => {
      try {
        await fetchKeys(uri, entry, deadline);
      } catch (error) {
        if (options.jwksUri || deadline <= performance.now()) throw error;
        let moved: string;
        try {
          moved = await discover(deadline);
        } catch (cause) {
          logger?.warn("discovery failed", { error: cause, requestId, issuer: options.issuer });
          throw error;
        }
        if (moved === uri) throw error;
        await fetchKeys(moved, cache.entry(moved), deadline);
        adopt(moved);
      }
    });

  /** A cold start without a configured JWKS URI: discovery, then the keys, under one deadline. */
  const coldStart = (requestId: string | undefined) =>
    singleFlight(cache.entry(discoveryKey), requestId, async (deadline) => {
      const uri = await discover(deadline);
      adopt(uri); // nothing older to keep: a failed JWKS fetch below is retried at this URI (and re-discovered)
      const entry = cache.entry(uri);
      if (!usable(entry.keys, clock())) await fetchKeys(uri, entry, deadline);
    });

  /** Waits for `flight`, but not past `until` (performance.now()): the request's own bound. */
  const within = async (until: number, flight: Promise<void>): Promise<void> => {
    const ms = until - performance.now();
    if (ms <= 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([flight, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  };

  /** The key for this header in this key set: remembered, or looked up, checked and remembered. */
  const resolve = async (keys: KeySet, header: JWSHeaderParameters, requestId?: string) => {
    const id = lookupKey(header);
    const known = keys.resolved.get(id);
    if (known) return known;
    const refused = keys.unusable.get(id);
    if (refused) throw refused;
    let key: KeyChoice | undefined;
    let problem: string | undefined;
    try {
      key = await keys.get(header);
      problem = keyProblem(key, header.alg);
    } catch (error) {
      const several = error instanceof errors.JWKSMultipleMatchingKeys;
      if (several && header.kid !== undefined) {
        // Several keys under the token's kid: the validator tries each usable one.
        ({ key, problem } = await candidatesOf(error, header, requestId));
      } else if (several || error instanceof errors.JWKSNoMatchingKey) {
        // No key, or several for a token without kid: the caller decides (an unknown kid may mean the IdP
        // rotated its keys). Without a kid, trying every key of the set would let any token cost that much.
        throw error;
      } else {
        // The published key does not import (a broken modulus or point, an unsupported parameter).
        problem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    }
    if (key === undefined || problem !== undefined) {
      logger?.warn("unusable key", { kid: header.kid, alg: header.alg, problem, requestId });
      const refusal = new TokenError("key_not_found", "the issuer's key for this token cannot be used");
      if (keys.unusable.size < MAX_RESOLVED_KEYS) keys.unusable.set(id, refusal);
      throw refusal;
    }
    if (keys.resolved.size < MAX_RESOLVED_KEYS) keys.resolved.set(id, key);
    return key;
  };

  /**
   * The keys jose found under one kid, each imported (jose's iterator skips one that does not import)
   * and checked; the usable ones, or the problem when none is or there are too many.
   */
  const candidatesOf = async (
    multiple: InstanceType<typeof errors.JWKSMultipleMatchingKeys>,
    header: JWSHeaderParameters,
    requestId: string | undefined,
  ): Promise<{ key?: KeyChoice; problem?: string }> => {
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
  };

  const fresh = (header: JWSHeaderParameters, requestId?: string): KeyChoice | undefined => {
    const uri = currentUri();
    if (uri === undefined) return undefined;
    const entry = cache.touch(uri);
    const keys = entry?.keys;
    const now = clock();
    if (!entry || !usable(keys, now)) return undefined;
    const age = ageOf(entry, keys, now);
    if (age === "wait") return undefined; // the request path waits for the refresh
    if (age === "stale") refreshBehind(uri, entry, now, requestId);
    return keys.resolved.get(lookupKey(header));
  };

  const source = async (header: JWSHeaderParameters, requestId?: string): Promise<KeyChoice> => {
    const until = performance.now() + timing.timeoutMs;
    let uri = currentUri();
    if (uri === undefined) {
      const discovery = cache.entry(discoveryKey);
      if (discovery.inflight || mayRetry(discovery, clock())) await within(until, coldStart(requestId));
      uri = currentUri();
      if (uri === undefined) {
        throw new TokenError("jwks_unavailable", "the issuer's discovery document cannot be fetched");
      }
    }
    let entry = cache.entry(uri);
    let keys = entry.keys;
    const now = clock();
    if (!usable(keys, now)) {
      // Nothing to answer with: wait for keys, within the request's bound.
      if (entry.inflight || mayRetry(entry, now)) await within(until, refreshKeys(uri, entry, requestId));
      uri = currentUri() ?? uri; // a failed fetch may have found the JWKS under a new URI
      entry = cache.entry(uri);
      keys = entry.keys;
      if (!usable(keys, clock())) {
        throw new TokenError("jwks_unavailable", "the issuer's signing keys cannot be fetched");
      }
    } else {
      const age = ageOf(entry, keys, now);
      if (age === "wait") {
        // Long stale: wait for the refresh (within the request's bound); the old keys only if it fails.
        await within(until, refreshKeys(uri, entry, requestId));
        const after = cache.touch(currentUri() ?? uri);
        if (after?.keys && usable(after.keys, clock())) {
          entry = after;
          keys = after.keys;
        }
      } else if (age === "stale") refreshBehind(uri, entry, now, requestId);
    }

    try {
      return await resolve(keys, header, requestId);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // Unknown kid: perhaps the IdP rotated its keys. Ask again, at most once per cool-down; a request
      // that arrives while a refresh is under way waits for it (within its bound) instead of starting
      // another. Whatever happens to that refresh, the answer is key_not_found unless it brings the key:
      // keys are cached, only this kid is not among them.
      let flight = entry.inflight;
      if (!flight) {
        const at = clock();
        if (
          at - (entry.lastAttemptAt ?? Number.NEGATIVE_INFINITY) < timing.cooldownMs ||
          !mayRetry(entry, at)
        )
          throw error;
        flight = refreshKeys(uri, entry, requestId);
      }
      await within(until, flight);
      const after = cache.touch(currentUri() ?? uri)?.keys;
      if (!usable(after, clock()) || after === keys) throw error;
      return resolve(after, header, requestId);
    }
  };
  return Object.assign(source, { fresh });
}
