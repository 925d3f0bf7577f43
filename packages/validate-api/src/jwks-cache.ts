import { createLru, type Lru } from "@static-sso/shared";
import type { KeySet } from "./select-key.js";

export interface CacheEntry {
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
 * What is cached: per JWKS URI the last good key set, and per issuer (`discovery:<issuer>`) the
 * discovered jwks_uri. How big: at most `maxEntries` entries (least recently used evicted first). How
 * long: see JwksTiming. Safe to share between requests and validators: it holds only public keys and
 * fetch bookkeeping.
 */
export class JwksCache {
  readonly #entries: Lru<string, CacheEntry>;
  constructor(readonly maxEntries = 32) {
    this.#entries = createLru({ maxEntries });
  }

  /** The entry for `key` (made most recently used), created empty when there is none. */
  entry(key: string): CacheEntry {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { fetches: 0 };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** The entry if there is one (made most recently used), without creating it. */
  touch(key: string): CacheEntry | undefined {
    return this.#entries.get(key);
  }

  /** How many fetches of this JWKS URI (or `discovery:<issuer>`) were started. */
  fetchCount(key: string): number {
    return this.#entries.peek(key)?.fetches ?? 0;
  }

  /** Resolves once no refresh is under way (background refreshes included); for tests and shutdown. */
  async settled(): Promise<void> {
    for (;;) {
      const flights = this.#entries.values().flatMap((e) => (e.inflight ? [e.inflight] : []));
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
