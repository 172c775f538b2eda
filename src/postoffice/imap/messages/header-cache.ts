// The top-level header fields of stored messages for SEARCH's header keys (RFC 3501 §6.4.4 HEADER, FROM, SUBJECT,
// SENT*), kept apart from the parse cache and many more of them: a header is a small part of a message, and a
// SEARCH walks the whole mailbox. With only the parse cache (1024 messages), a mailbox larger than that re-read and
// re-parsed every message on every header SEARCH, as the agents' own SEARCH HEADER Message-ID in a growing Sent
// folder does for every mail they send. Dovecot keeps such fields in its cache file for the same reason.
import { foldedFieldValues, parseHeaderFields, type HeaderField } from '../../mime/index.ts';
import type { MailStoreApi } from '../../store/store-types.ts';
import { BoundedLru } from './bounded-lru.ts';
import { messageCacheFor, messageKey, type MessageKey } from './message-cache.ts';

/** Header fields of up to 100,000 messages, at most 64 MiB of header text. */
const LIMITS = { maxEntries: 100_000, maxSize: 64 * 1024 * 1024 };

/** A mailbox's folded values of one header field by uid (HeaderCache.foldedColumn). */
type FoldedColumn = Map<number, readonly string[]>;

export class HeaderCache {
  readonly #entries = new BoundedLru<HeaderField[], MessageKey>(LIMITS);
  /** Per mailbox incarnation and lower-cased field name, the folded values SEARCH asked for, by uid. */
  readonly #columns = new Map<MessageKey, Map<string, FoldedColumn>>();
  #columnEntries = 0;

  /**
   * The decoded, folded values of field `lowerName` (foldedFieldValues) of a mailbox's messages, by uid, kept
   * as SEARCH asks for them: a SEARCH SUBJECT over a mailbox is then one lookup by uid and a substring test per
   * message, where walking each message's cached fields cost a chain of lookups that each missed the CPU cache. Messages never
   * change, so nothing goes stale; expunged ones are dropped with everything else when all columns together hold
   * more than the cache's entry limit. Undefined from the lookup when the store no longer has the message.
   */
  foldedColumn(store: MailStoreApi, mailboxId: number, uidValidity: number, lowerName: string): (uid: number) => readonly string[] | undefined {
    const mailboxKey = messageKey(mailboxId, uidValidity, 0);
    let byField = this.#columns.get(mailboxKey);
    if (byField === undefined) {
      byField = new Map();
      this.#columns.set(mailboxKey, byField);
    }
    let column = byField.get(lowerName);
    if (column === undefined) {
      column = new Map();
      byField.set(lowerName, column);
    }
    const values = column;
    return (uid) => {
      const known = values.get(uid);
      if (known !== undefined) return known;
      const fields = this.load(store, mailboxId, uidValidity, uid);
      if (fields === undefined) return undefined;
      const folded = foldedFieldValues(fields, lowerName);
      if (++this.#columnEntries > LIMITS.maxEntries) {
        this.#columns.clear();
        this.#columnEntries = 0;
      }
      values.set(uid, folded);
      return folded;
    };
  }

  /** The message's top-level header fields; undefined when the store no longer has it (expunged elsewhere). */
  load(store: MailStoreApi, mailboxId: number, uidValidity: number, uid: number): HeaderField[] | undefined {
    const key = messageKey(mailboxId, uidValidity, uid);
    const cached = this.#entries.get(key);
    if (cached !== undefined) return cached;
    // A message parsed for FETCH already has them; otherwise read the bytes once and keep only the header.
    const parsed = messageCacheFor(store).peek(mailboxId, uidValidity, uid);
    const raw = parsed?.raw ?? store.getRaw(mailboxId, uid);
    if (raw === undefined) return undefined;
    const fields = parsed?.analysis.tree.headers ?? parseHeaderFields(raw);
    this.#entries.set(key, fields, fields.reduce((total, field) => total + field.name.length + field.value.length, 0));
    return fields;
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
