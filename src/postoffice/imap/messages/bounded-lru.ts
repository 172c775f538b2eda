// A least-recently-used map bounded by entry count and by a size its owner assigns to each value (bytes). The
// IMAP parse caches (message-cache.ts, header-cache.ts) keep immutable things in it: stored messages never
// change (RFC 3501 §2.3.1.1), so an entry never goes stale.

export interface LruLimits {
  maxEntries: number;
  /** Most size (sum of sizeOf) kept; a value larger than this is not kept at all. */
  maxSize: number;
}

export class BoundedLru<V> {
  readonly #entries = new Map<string, { value: V; size: number }>();
  readonly #limits: LruLimits;
  #totalSize = 0;

  constructor(limits: LruLimits) {
    this.#limits = limits;
  }

  /** The value, marked most recently used. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    // Map keeps insertion order: re-inserting marks the entry most recently used.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** The value without marking it used (a look that must not push others out). */
  peek(key: string): V | undefined {
    return this.#entries.get(key)?.value;
  }

  set(key: string, value: V, size: number): void {
    if (size > this.#limits.maxSize) return;
    const previous = this.#entries.get(key);
    if (previous !== undefined) {
      this.#entries.delete(key);
      this.#totalSize -= previous.size;
    }
    this.#entries.set(key, { value, size });
    this.#totalSize += size;
    for (const [oldestKey, oldest] of this.#entries) {
      if (this.#entries.size <= this.#limits.maxEntries && this.#totalSize <= this.#limits.maxSize) return;
      this.#entries.delete(oldestKey);
      this.#totalSize -= oldest.size;
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
