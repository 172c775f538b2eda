// The top-level header fields of stored messages for SEARCH's header keys (RFC 3501 §6.4.4 HEADER, FROM, SUBJECT,
// SENT*), kept apart from the parse cache and many more of them: a header is a small part of a message, and a
// SEARCH walks the whole mailbox. With only the parse cache (1024 messages), a mailbox larger than that re-read and
// re-parsed every message on every header SEARCH, as the agents' own SEARCH HEADER Message-ID in a growing Sent
// folder does for every mail they send. Dovecot keeps such fields in its cache file for the same reason.
import { HeaderBlock, parseHeaderFields } from '../../mime/index.ts';
import type { MailStoreApi } from '../../store/store-types.ts';
import { BoundedLru } from './bounded-lru.ts';
import { messageCacheFor, messageKey, type MessageKey } from './message-cache.ts';

/** Header fields of up to 100,000 messages, at most 64 MiB of header text. */
const LIMITS = { maxEntries: 100_000, maxSize: 64 * 1024 * 1024 };

export class HeaderCache {
  readonly #entries = new BoundedLru<HeaderBlock, MessageKey>(LIMITS);

  /** The message's top-level header block; undefined when the store no longer has it (expunged elsewhere). */
  load(store: MailStoreApi, mailboxId: number, uidValidity: number, uid: number): HeaderBlock | undefined {
    const key = messageKey(mailboxId, uidValidity, uid);
    const cached = this.#entries.get(key);
    if (cached !== undefined) return cached;
    // A message parsed for FETCH already has them; otherwise read the bytes once and keep only the header.
    const parsed = messageCacheFor(store).peek(mailboxId, uidValidity, uid);
    const raw = parsed?.raw ?? store.getRaw(mailboxId, uid);
    if (raw === undefined) return undefined;
    const block = new HeaderBlock(parsed?.analysis.tree.headers ?? parseHeaderFields(raw));
    // Counted twice: the folded values a SEARCH adds to the block are about as large as the fields.
    this.#entries.set(key, block, 2 * block.fields.reduce((total, field) => total + field.name.length + field.value.length, 0));
    return block;
  }
}

const cachesByStore = new WeakMap<MailStoreApi, HeaderCache>();

/** The one header cache shared by every session of a store. */
export function headerCacheFor(store: MailStoreApi): HeaderCache {
  let cache = cachesByStore.get(store);
  if (cache === undefined) {
    cache = new HeaderCache();
    cachesByStore.set(store, cache);
  }
  return cache;
}
