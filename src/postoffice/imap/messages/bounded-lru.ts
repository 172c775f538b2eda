// A map bounded by entry count and by a size its owner assigns to each value (bytes), evicting in approximately
// least-recently-used order: a hit only marks the entry used (second-chance/CLOCK), and eviction moves marked
// entries to the back once instead of dropping them. A SEARCH touches every message of a mailbox, and re-inserting
// each hit into the Map was a visible part of its cost. The IMAP parse caches (message-cache.ts, header-cache.ts)
// keep immutable things in it: stored messages never change (RFC 3501 §2.3.1.1), so an entry never goes stale.

export interface LruLimits {
  maxEntries: number;
  /** Most size (sum of sizeOf) kept; a value larger than this is not kept at all. */
  maxSize: number;
}

export class BoundedLru<V, K extends string | number = string> {
  readonly #entries = new Map<K, { value: V; size: number; used: boolean }>();
  readonly #limits: LruLimits;
  #totalSize = 0;

  constructor(limits: LruLimits) {
    if (!(limits.maxEntries >= 1)) throw new RangeError(`a cache must hold at least one entry, got maxEntries ${limits.maxEntries}`);
    this.#limits = limits;
  }

  /** The value, marked used (it survives the next eviction pass that reaches it). */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    entry.used = true;
    return entry.value;
  }

  /** The value without marking it used (a look that must not push others out). */
  peek(key: K): V | undefined {
    return this.#entries.get(key)?.value;
  }

  set(key: K, value: V, size: number): void {
    if (size > this.#limits.maxSize) return;
    const previous = this.#entries.get(key);
    if (previous !== undefined) {
      this.#entries.delete(key);
      this.#totalSize -= previous.size;
    }
    this.#entries.set(key, { value, size, used: false });
    this.#totalSize += size;
    while (this.#entries.size > this.#limits.maxEntries || this.#totalSize > this.#limits.maxSize) this.#evictOne(key);
  }

  /**
   * Drops the oldest entry not used since it was last passed over; used ones move to the back, unmarked. The
   * entry just added (`keep`) is not dropped for room made for itself.
   */
  #evictOne(keep: K): void {
    for (const [key, entry] of this.#entries) {
      this.#entries.delete(key);
      if (entry.used || key === keep) {
        entry.used = false;
        this.#entries.set(key, entry);
        continue;
      }
      this.#totalSize -= entry.size;
      return;
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
