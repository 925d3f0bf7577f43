import { fetchDiscovery, fetchJson, type Logger, TokenError, UpstreamError } from "@static-sso/shared";
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters } from "jose";

// Why not jose's createRemoteJWKSet: it has the unknown-kid cool-down, but once its cacheMaxAge passes it
// re-fetches and throws when the IdP is down, i.e. it cannot keep verifying with the last good keys
// ("serve stale"), it takes no clock (so tests would have to sleep) and its state lives inside one closure
// per URL. We keep jose for the hard part (createLocalJWKSet: kid/alg/kty/crv/use matching and key import)
// and do the fetching and caching here, in a module-level cache shared by every validator of the container.

export interface JwksTiming {
  /** Keys younger than this are used without asking the IdP. Default 10 minutes. */
  ttlMs: number;
  /** Least time between two fetches of one JWKS caused by an unknown `kid`. Default 30 s. */
  cooldownMs: number;
  /** After a failed fetch, the next attempt waits this long (a down IdP is not hammered). Default 5 s. */
  retryAfterFailureMs: number;
  /** How long past its TTL a key set may still be used while the IdP cannot be reached. Default 24 h. */
  maxStaleMs: number;
  /** Deadline for one discovery or JWKS fetch, well under the edge's 5 s budget. Default 1500 ms. */
  timeoutMs: number;
}

export const DEFAULT_JWKS_TIMING: JwksTiming = {
  ttlMs: 10 * 60_000,
  cooldownMs: 30_000,
  retryAfterFailureMs: 5_000,
  maxStaleMs: 24 * 60 * 60_000,
  timeoutMs: 1_500,
};

type KeyGetter = ReturnType<typeof createLocalJWKSet>;
type ResolvedKey = Awaited<ReturnType<KeyGetter>>;

/** Most keys remembered per key set (one per kid and alg seen); a JWKS rarely holds more than a few. */
const MAX_RESOLVED_KEYS = 16;

interface CacheEntry {
  /**
   * The last good key set and when it was fetched; `resolved` keeps the keys its getter chose (imported,
   * by the token header's kid and alg), so a warm container's verification skips the JWK lookup. It goes
   * away with the key set it came from.
   */
  keys?: { get: KeyGetter; fetchedAt: number; resolved: Map<string, ResolvedKey> };
  /** For discovery entries: the issuer's jwks_uri. */
  jwksUri?: { value: string; fetchedAt: number };
  lastAttemptAt?: number;
  lastFailureAt?: number;
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
  /** Milliseconds since the epoch. */
  clock?: () => number;
  fetch?: typeof fetch;
  logger?: Logger;
}

/** Finds the public key for a token's protected header. Throws TokenError or a jose error. */
export type KeySource = ((header: JWSHeaderParameters) => Promise<ResolvedKey>) & {
  /**
   * The key the source would answer with, synchronously, when that answer needs nothing but memory: the
   * key set is within its TTL and this kid and alg were looked up in it before. Otherwise undefined (call
   * the source itself).
   */
  fresh(header: JWSHeaderParameters): ResolvedKey | undefined;
};

/** The header fields jose's key-set lookup chooses a key by (createLocalJWKSet: kid, and kty/crv from alg). */
function lookupKey(header: JWSHeaderParameters): string {
  return header.kid === undefined ? `${header.alg}` : `${header.alg} ${header.kid}`;
}

const MAX_JWKS_BYTES = 256 * 1024;

export function createJwksSource(options: JwksSourceOptions): KeySource {
  const timing = { ...DEFAULT_JWKS_TIMING, ...options.timing };
  const cache = options.cache ?? sharedJwksCache;
  const clock = options.clock ?? Date.now;
  const fetchOpts = options.fetch ? { fetch: options.fetch } : {};

  /** Runs `load` unless one is already under way for this entry; records attempt and failure times. */
  const refresh = (entry: CacheEntry, load: () => Promise<void>): Promise<void> => {
    if (!entry.inflight) {
      entry.fetches++;
      entry.lastAttemptAt = clock();
      entry.inflight = load()
        .then(() => {
          entry.lastFailureAt = undefined;
        })
        .catch((error: unknown) => {
          entry.lastFailureAt = clock();
          options.logger?.warn("jwks fetch failed", { error });
        })
        .finally(() => {
          entry.inflight = undefined;
        });
    }
    return entry.inflight;
  };

  const mayRetry = (entry: CacheEntry, now: number) =>
    entry.lastFailureAt === undefined || now - entry.lastFailureAt >= timing.retryAfterFailureMs;

  const usable = (fetchedAt: number, now: number) => now - fetchedAt <= timing.ttlMs + timing.maxStaleMs;

  const resolveJwksUri = async (): Promise<string> => {
    if (options.jwksUri) return options.jwksUri;
    const entry = cache.entry(`discovery:${options.issuer}`);
    const now = clock();
    const known = entry.jwksUri;
    if ((!known || now - known.fetchedAt >= timing.ttlMs) && mayRetry(entry, now)) {
      await refresh(entry, async () => {
        const doc = await fetchDiscovery(options.issuer, { timeoutMs: timing.timeoutMs, ...fetchOpts });
        entry.jwksUri = { value: doc.jwks_uri, fetchedAt: clock() };
      });
    }
    if (!entry.jwksUri || !usable(entry.jwksUri.fetchedAt, clock())) {
      throw new TokenError("jwks_unavailable", "the issuer's discovery document cannot be fetched");
    }
    return entry.jwksUri.value;
  };

  const loadKeys = (uri: string, entry: CacheEntry) => async () => {
    const { status, body } = await fetchJson<JSONWebKeySet>(uri, {
      upstream: "jwks",
      timeoutMs: timing.timeoutMs,
      maxBytes: MAX_JWKS_BYTES,
      ...fetchOpts,
    });
    if (status !== 200) throw new UpstreamError("jwks", `answered ${status}`);
    // createLocalJWKSet checks the document's shape (JWKSInvalid) and snapshots it.
    entry.keys = { get: createLocalJWKSet(body), fetchedAt: clock(), resolved: new Map() };
  };

  const remember = (keys: NonNullable<CacheEntry["keys"]>, header: JWSHeaderParameters, key: ResolvedKey) => {
    if (keys.resolved.size < MAX_RESOLVED_KEYS) keys.resolved.set(lookupKey(header), key);
    return key;
  };

  const fresh = (header: JWSHeaderParameters): ResolvedKey | undefined => {
    const now = clock();
    let uri = options.jwksUri;
    if (!uri) {
      const known = cache.touch(`discovery:${options.issuer}`)?.jwksUri;
      if (!known || now - known.fetchedAt >= timing.ttlMs) return undefined;
      uri = known.value;
    }
    const keys = cache.touch(uri)?.keys;
    if (!keys || now - keys.fetchedAt >= timing.ttlMs) return undefined;
    return keys.resolved.get(lookupKey(header));
  };

  const source = async (header: JWSHeaderParameters): Promise<ResolvedKey> => {
    const uri = await resolveJwksUri();
    const entry = cache.entry(uri);
    const now = clock();
    if ((!entry.keys || now - entry.keys.fetchedAt >= timing.ttlMs) && mayRetry(entry, now)) {
      await refresh(entry, loadKeys(uri, entry));
    }
    const keys = entry.keys;
    if (!keys || !usable(keys.fetchedAt, clock())) {
      throw new TokenError("jwks_unavailable", "the issuer's signing keys cannot be fetched");
    }
    try {
      return remember(keys, header, await keys.get(header));
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // Unknown kid: perhaps the IdP rotated its keys. Ask again, at most once per cool-down; a request
      // that arrives while such a fetch is under way waits for it instead of starting another.
      if (entry.inflight) {
        await entry.inflight;
      } else {
        const since = clock() - (entry.lastAttemptAt ?? 0);
        if (since < timing.cooldownMs || !mayRetry(entry, clock())) throw error;
        await refresh(entry, loadKeys(uri, entry));
        if (entry.lastFailureAt !== undefined) {
          throw new TokenError("jwks_unavailable", "the issuer's signing keys cannot be fetched", {
            cause: error,
          });
        }
      }
      if (!entry.keys) throw error;
      return remember(entry.keys, header, await entry.keys.get(header));
    }
  };
  return Object.assign(source, { fresh });
}
