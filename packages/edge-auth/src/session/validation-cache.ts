import { tokenFingerprint } from "@static-sso/shared";

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
 * kept), at most `maxEntries` (least recently used goes first), each dropped at its `expiresAt`.
 * A Map keeps insertion order, so delete-and-reinsert on a hit is an LRU without a library.
 */
export function createValidationCache(
  options: { maxEntries?: number; now?: () => number } = {},
): ValidationCache {
  const maxEntries = options.maxEntries ?? 1000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, CachedValidation>();
  return {
    get(token) {
      const key = tokenFingerprint(token);
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry);
      return entry;
    },
    set(token, entry) {
      if (entry.expiresAt <= now()) return;
      const key = tokenFingerprint(token);
      entries.delete(key);
      entries.set(key, entry);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
