// When cached keys may be used and when the IdP may be asked again: pure functions of the times a cache
// entry recorded, the clock and the timing, shared by the fast path and the request path.
import type { CacheEntry } from "./jwks-cache.js";
import type { KeySet } from "./select-key.js";

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

/** False within retryAfterFailureMs of a failed fetch. */
export const mayRetry = (entry: CacheEntry, now: number, timing: JwksTiming): boolean =>
  entry.lastFailureAt === undefined || now - entry.lastFailureAt >= timing.retryAfterFailureMs;

/** Keys at most maxStaleMs past their TTL can answer a request. */
export const usable = (keys: KeySet | undefined, now: number, timing: JwksTiming): keys is KeySet =>
  keys !== undefined && now - keys.fetchedAt <= timing.ttlMs + timing.maxStaleMs;

/**
 * What a usable key set's age asks of a request: `fresh` use it; `stale` use it, refreshing in the
 * background when none is under way and a retry is allowed; `wait` past the background window
 * (TTL + revalidateMs) with a refresh running or allowed, wait for it and fall back to these keys only
 * when it fails.
 */
export function ageOf(
  entry: CacheEntry,
  keys: KeySet,
  now: number,
  timing: JwksTiming,
): "fresh" | "stale" | "wait" {
  const age = now - keys.fetchedAt;
  if (age < timing.ttlMs) return "fresh";
  if (age > timing.ttlMs + timing.revalidateMs && (entry.inflight || mayRetry(entry, now, timing)))
    return "wait";
  return "stale";
}

/** An unknown kid may start a fetch only past the cool-down since the last attempt and the retry delay. */
export const mayFetchForUnknownKid = (entry: CacheEntry, now: number, timing: JwksTiming): boolean =>
  now - (entry.lastAttemptAt ?? Number.NEGATIVE_INFINITY) >= timing.cooldownMs &&
  mayRetry(entry, now, timing);
