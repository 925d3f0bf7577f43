export interface LruOptions {
  /** Most entries kept; past it, the least recently used goes first. */
  maxEntries: number;
  /** Clock for per-entry expiry (epoch ms by default); only read for entries set with `expiresAt`. */
  now?: () => number;
}

/**
 * A bounded least-recently-used map. A Map iterates in insertion order, so delete-and-reinsert on a hit
 * keeps the least recently used first: a dozen lines instead of a dependency in two Lambda bundles.
 */
export interface Lru<K, V> {
  /** The value (made most recently used), or undefined when absent or past its `expiresAt` (then dropped). */
  get(key: K): V | undefined;
  /** Like get, without making the entry most recently used. */
  peek(key: K): V | undefined;
  /**
   * Stores `value` as the most recently used, evicting the least recently used past `maxEntries`.
   * `expiresAt` (by `now`): the entry is gone from then on; a time already past stores nothing and
   * drops what the key held.
   */
  set(key: K, value: V, expiresAt?: number): void;
  delete(key: K): boolean;
  /** Entries held, expired ones not yet dropped included. */
  readonly size: number;
  /** The values held, least recently used first (expired ones skipped). */
  values(): V[];
  clear(): void;
}

interface Slot<V> {
  value: V;
  expiresAt: number | undefined;
}

export function createLru<K, V>(options: LruOptions): Lru<K, V> {
  const { maxEntries } = options;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1)
    throw new RangeError(`maxEntries must be a whole number above 0, got ${maxEntries}`);
  const now = options.now ?? Date.now;
  const slots = new Map<K, Slot<V>>();
  const live = (slot: Slot<V>) => slot.expiresAt === undefined || slot.expiresAt > now();

  const peek = (key: K): V | undefined => {
    const slot = slots.get(key);
    if (slot === undefined) return undefined;
    if (live(slot)) return slot.value;
    slots.delete(key);
    return undefined;
  };

  return {
    get(key) {
      const slot = slots.get(key);
      if (slot === undefined) return undefined;
      slots.delete(key);
      if (!live(slot)) return undefined;
      slots.set(key, slot);
      return slot.value;
    },
    peek,
    set(key, value, expiresAt) {
      slots.delete(key);
      if (expiresAt !== undefined && expiresAt <= now()) return;
      slots.set(key, { value, expiresAt });
      while (slots.size > maxEntries) {
        const oldest = slots.keys().next();
        if (oldest.done) break;
        slots.delete(oldest.value);
      }
    },
    delete: (key) => slots.delete(key),
    get size() {
      return slots.size;
    },
    values() {
      const out: V[] = [];
      for (const slot of slots.values()) if (live(slot)) out.push(slot.value);
      return out;
    },
    clear: () => slots.clear(),
  };
}
