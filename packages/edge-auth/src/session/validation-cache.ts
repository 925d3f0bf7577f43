import { createLru, tokenFingerprint } from "@static-sso/shared";

export interface CachedValidation {
  claims: Record<string, unknown>;
  /** The roles the claims grant (rolesOf), worked out once when the answer is stored. */
  roles?: ReadonlySet<string>;
  /** Epoch ms after which the entry is gone: never later than the token's own `exp`. */
  expiresAt: number;
}

export interface ValidationCache {
  get(token: string): CachedValidation | undefined;
  set(token: string, entry: CachedValidation): void;
  readonly size: number;
}

/**
 * Positive validation answers, per container: keyed by the token's SHA-256 (the token itself is never
 * kept), at most `maxEntries` (the shared LRU: least recently used goes first), each dropped at its
 * `expiresAt`.
 */
export function createValidationCache(
  options: { maxEntries?: number; now?: () => number } = {},
): ValidationCache {
  const lru = createLru<string, CachedValidation>({
    maxEntries: options.maxEntries ?? 1000,
    now: options.now,
  });
  return {
    get: (token) => lru.get(tokenFingerprint(token)),
    set: (token, entry) => lru.set(tokenFingerprint(token), entry, entry.expiresAt),
    get size() {
      return lru.size;
    },
  };
}
