// A small LRU of parsed messages for FETCH and SEARCH (RFC 3501 §6.4.4, §6.4.5): one command parses each message
// once, and a client that fetches ENVELOPE and then BODY[1] of the same message does not parse it twice.
// Stored messages are immutable (RFC 3501 §2.3.1.1: a UID names one message forever within a UIDVALIDITY), so an
// entry never goes stale; the key carries the UIDVALIDITY so a re-created mailbox that reuses a row id cannot hit.
import type { MailStoreApi } from '../../store/store-types.ts';
import { analyzeMessage, type MessageAnalysis } from '../../mime/index.ts';

export interface ParsedMessage {
  readonly raw: Buffer;
  /** Parsed on first use: BODY[], RFC822 and partial downloads of the whole message never need the MIME tree. */
  readonly analysis: MessageAnalysis;
}

/** A ParsedMessage whose analysis is computed once, when first read. */
function lazilyParsed(raw: Buffer): ParsedMessage {
  let analysis: MessageAnalysis | undefined;
  return {
    raw,
    get analysis() {
      analysis ??= analyzeMessage(raw);
      return analysis;
    },
  };
}

export interface MessageCacheLimits {
  /**
   * Most entries kept; default 1024: a SEARCH over the header or body walks the whole mailbox, and an LRU smaller
   * than the mailbox then never hits (every search re-read and re-parsed every message). maxBytes bounds memory.
   */
  maxEntries?: number;
  /** Most raw bytes kept (sum of sizes); default 32 MiB. A message larger than this is served but not kept. */
  maxBytes?: number;
}

export class MessageCache {
  private readonly entries = new Map<string, ParsedMessage>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private totalBytes = 0;

  constructor(limits: MessageCacheLimits = {}) {
    this.maxEntries = limits.maxEntries ?? 1024;
    this.maxBytes = limits.maxBytes ?? 32 * 1024 * 1024;
  }

  /**
   * The parsed message, from the cache or freshly read from the store; undefined when the store no longer has it
   * (expunged by another session).
   */
  load(store: MailStoreApi, mailboxId: number, uidValidity: number, uid: number): ParsedMessage | undefined {
    const key = `${mailboxId}:${uidValidity}:${uid}`;
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const raw = store.getRaw(mailboxId, uid);
    if (raw === undefined) return undefined;
    const parsed = lazilyParsed(raw);
    if (raw.length <= this.maxBytes) {
      this.entries.set(key, parsed);
      this.totalBytes += raw.length;
      this.evict();
    }
    return parsed;
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.totalBytes <= this.maxBytes) return;
      this.entries.delete(key);
      this.totalBytes -= entry.raw.length;
    }
  }
}

const cachesByStore = new WeakMap<MailStoreApi, MessageCache>();

/** The one cache shared by every session of a store (messages are immutable, so sharing is safe). */
export function messageCacheFor(store: MailStoreApi): MessageCache {
  let cache = cachesByStore.get(store);
  if (cache === undefined) {
    cache = new MessageCache();
    cachesByStore.set(store, cache);
  }
  return cache;
}
