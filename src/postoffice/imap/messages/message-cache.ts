// A small LRU of parsed messages for FETCH and SEARCH (RFC 3501 §6.4.4, §6.4.5): one command parses each message
// once, and a client that fetches ENVELOPE and then BODY[1] of the same message does not parse it twice.
// Stored messages are immutable (RFC 3501 §2.3.1.1: a UID names one message forever within a UIDVALIDITY), so an
// entry never goes stale; the key carries the UIDVALIDITY so a re-created mailbox that reuses a row id cannot hit.
// Keys are numbers (messageKey): a SEARCH looks up every message of the mailbox, and building and hashing a
// string key per message was a visible part of its cost.
import type { MailStoreApi } from '../../store/store-types.ts';
import { analyzeMessage, type MessageAnalysis } from '../../mime/index.ts';
import { BoundedLru } from './bounded-lru.ts';

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
  readonly #entries: BoundedLru<ParsedMessage, MessageKey>;

  constructor(limits: MessageCacheLimits = {}) {
    this.#entries = new BoundedLru({ maxEntries: limits.maxEntries ?? 1024, maxSize: limits.maxBytes ?? 32 * 1024 * 1024 });
  }

  /**
   * The parsed message, from the cache or freshly read from the store; undefined when the store no longer has it
   * (expunged by another session).
   */
  load(store: MailStoreApi, mailboxId: number, uidValidity: number, uid: number): ParsedMessage | undefined {
    const key = messageKey(mailboxId, uidValidity, uid);
    const cached = this.#entries.get(key);
    if (cached !== undefined) return cached;
    const raw = store.getRaw(mailboxId, uid);
    if (raw === undefined) return undefined;
    const parsed = lazilyParsed(raw);
    this.#entries.set(key, parsed, raw.length);
    return parsed;
  }

  /** The message if it is cached, without reading the store or changing what is kept. */
  peek(mailboxId: number, uidValidity: number, uid: number): ParsedMessage | undefined {
    return this.#entries.peek(messageKey(mailboxId, uidValidity, uid));
  }

  get size(): number {
    return this.#entries.size;
  }
}

export type MessageKey = number | string;

/** A small number per mailbox incarnation (row id and UIDVALIDITY) seen by this process, in order. */
const incarnations = new Map<number, Map<number, number>>();
let nextSlot = 0;

/** Slots below this keep slot * 2^32 + uid within the integers a double holds exactly (2^53). */
const NUMERIC_SLOTS = 2 ** 21;

/**
 * The cache key of a message: one number, slot * 2^32 + uid (a UID is 32 bits, RFC 3501 §2.3.1.1), where the
 * slot stands for the mailbox's row id and UIDVALIDITY, so a re-created mailbox that reuses a row id cannot hit.
 * After two million mailbox incarnations in one process the key falls back to a string.
 */
export function messageKey(mailboxId: number, uidValidity: number, uid: number): MessageKey {
  let byValidity = incarnations.get(mailboxId);
  if (byValidity === undefined) {
    byValidity = new Map();
    incarnations.set(mailboxId, byValidity);
  }
  let slot = byValidity.get(uidValidity);
  if (slot === undefined) {
    slot = nextSlot++;
    byValidity.set(uidValidity, slot);
  }
  return slot < NUMERIC_SLOTS ? slot * 4_294_967_296 + uid : `${mailboxId}:${uidValidity}:${uid}`;
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
