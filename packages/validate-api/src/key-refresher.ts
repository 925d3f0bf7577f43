// Getting keys into the cache: one refresh at a time per entry (single flight), discovery of a JWKS that
// moved, attempts and failures recorded for the refresh policy. A refresh never rejects: its failure is
// logged and the entry keeps its last good keys.
import { performance } from "node:perf_hooks";
import { createDeadline, type Deadline, type Logger } from "@static-sso/shared";
import { fetchJwks, fetchJwksUri } from "./fetch-jwks.js";
import type { CacheEntry, JwksCache } from "./jwks-cache.js";
import { type JwksTiming, mayRetry, usable } from "./refresh-policy.js";
import { createKeySet, sharedKids } from "./select-key.js";

export interface JwksContext {
  issuer: string;
  /** Configured; without it the issuer's discovery document names it. */
  jwksUri?: string;
  timing: JwksTiming;
  cache: JwksCache;
  /** Milliseconds since the epoch; the keys' ages are measured with it (deadlines with the real clock). */
  clock: () => number;
  fetch?: typeof fetch;
  logger?: Logger;
}

export interface KeyRefresher {
  /** The JWKS URI keys are read from now: configured, or the one discovery found last. */
  currentUri(): string | undefined;
  /** The issuer's discovery entry (its jwks_uri and fetch bookkeeping). */
  discoveryEntry(): CacheEntry;
  /** Refreshes the key set at `uri` into `entry`, or joins the refresh under way. */
  refreshKeys(uri: string, entry: CacheEntry, requestId: string | undefined): Promise<void>;
  /** Starts the background refresh a `stale` key set calls for, unless one runs or a retry must wait. */
  refreshBehind(uri: string, entry: CacheEntry, now: number, requestId: string | undefined): void;
  /** A cold start without a configured JWKS URI: discovery, then the keys, under one deadline. */
  coldStart(requestId: string | undefined): Promise<void>;
}

/** A new deadline for one refresh; on the monotonic clock, as the test clock may stand still. */
export const refreshDeadline = (timing: JwksTiming): Deadline =>
  createDeadline(() => performance.now(), timing.timeoutMs);

export function createKeyRefresher(ctx: JwksContext): KeyRefresher {
  const discoveryKey = discoveryKeyOf(ctx);
  return {
    currentUri: () => ctx.jwksUri ?? ctx.cache.touch(discoveryKey)?.jwksUri?.value,
    discoveryEntry: () => ctx.cache.entry(discoveryKey),
    refreshKeys: (uri, entry, requestId) => refreshKeys(ctx, uri, entry, requestId),
    refreshBehind(uri, entry, now, requestId) {
      if (!entry.inflight && mayRetry(entry, now, ctx.timing)) void refreshKeys(ctx, uri, entry, requestId);
    },
    coldStart: (requestId) => coldStart(ctx, requestId),
  };
}

const discoveryKeyOf = (ctx: JwksContext) => `discovery:${ctx.issuer}`;

/** Runs `run` with a fresh deadline unless a refresh of this entry is under way; never rejects. */
function singleFlight(
  ctx: JwksContext,
  entry: CacheEntry,
  requestId: string | undefined,
  run: (deadline: Deadline) => Promise<void>,
): Promise<void> {
  entry.inflight ??= run(refreshDeadline(ctx.timing))
    .catch((error: unknown) =>
      ctx.logger?.warn("jwks fetch failed", { error, requestId, issuer: ctx.issuer }),
    )
    .finally(() => {
      entry.inflight = undefined;
    });
  return entry.inflight;
}

/** Counts the attempt, runs it, and records when it failed (the refresh policy reads both). */
async function attempt<T>(ctx: JwksContext, entry: CacheEntry, run: () => Promise<T>): Promise<T> {
  entry.fetches++;
  entry.lastAttemptAt = ctx.clock();
  try {
    const result = await run();
    entry.lastFailureAt = undefined;
    return result;
  } catch (error) {
    entry.lastFailureAt = ctx.clock();
    throw error;
  }
}

const fetchOptions = (ctx: JwksContext, deadline: Deadline) => ({
  deadline,
  budgetMs: ctx.timing.timeoutMs,
  fetch: ctx.fetch,
});

/** Fetches the JWKS at `uri` into `entry`. */
function fetchKeys(ctx: JwksContext, uri: string, entry: CacheEntry, deadline: Deadline): Promise<void> {
  return attempt(ctx, entry, async () => {
    const jwks = await fetchJwks(uri, fetchOptions(ctx, deadline));
    entry.keys = createKeySet(jwks, ctx.clock());
    // Here, once per fetched set, not per request: each of these keys is tried for a token naming the kid.
    for (const [kid, count] of sharedKids(jwks)) {
      ctx.logger?.warn("several keys under one kid", { kid, count, jwksUri: uri, issuer: ctx.issuer });
    }
  });
}

/** Asks discovery for the jwks_uri; the caller decides when it becomes the issuer's (`adopt`). */
function discover(ctx: JwksContext, deadline: Deadline): Promise<string> {
  return attempt(ctx, ctx.cache.entry(discoveryKeyOf(ctx)), () =>
    fetchJwksUri(ctx.issuer, fetchOptions(ctx, deadline)),
  );
}

function adopt(ctx: JwksContext, uri: string): void {
  ctx.cache.entry(discoveryKeyOf(ctx)).jwksUri = { value: uri, fetchedAt: ctx.clock() };
}

/**
 * Refreshes the key set at `uri`. With a discovered URI, a failed fetch asks discovery again (the JWKS
 * may have moved) and, when it names another URI, fetches that one within the same deadline; the
 * issuer's jwks_uri changes only once keys were had from the new one.
 */
function refreshKeys(ctx: JwksContext, uri: string, entry: CacheEntry, requestId: string | undefined) {
  return singleFlight(ctx, entry, requestId, async (deadline) => {
    try {
      await fetchKeys(ctx, uri, entry, deadline);
    } catch (error) {
      if (ctx.jwksUri || deadline.remaining(ctx.timing.timeoutMs) <= 0) throw error;
      let moved: string;
      try {
        moved = await discover(ctx, deadline);
      } catch (cause) {
        ctx.logger?.warn("discovery failed", { error: cause, requestId, issuer: ctx.issuer });
        throw error;
      }
      if (moved === uri) throw error;
      await fetchKeys(ctx, moved, ctx.cache.entry(moved), deadline);
      adopt(ctx, moved);
    }
  });
}

function coldStart(ctx: JwksContext, requestId: string | undefined): Promise<void> {
  return singleFlight(ctx, ctx.cache.entry(discoveryKeyOf(ctx)), requestId, async (deadline) => {
    const uri = await discover(ctx, deadline);
    adopt(ctx, uri); // nothing older to keep: a failed JWKS fetch below is retried at this URI (and re-discovered)
    const entry = ctx.cache.entry(uri);
    if (!usable(entry.keys, ctx.clock(), ctx.timing)) await fetchKeys(ctx, uri, entry, deadline);
  });
}
