// The listing (every message's UID, flags, MODSEQ, size; RFC 3501 §2.3) of each recently used mailbox, kept in
// memory and carried along with every change, so SEARCH, SELECT and FETCH read records without SQL. Under a
// mixed workload the re-reads and re-decodes of unchanged rows were a quarter of the time, then point queries
// per fetched message and per search the next largest share.
// A listing follows each change to its mailbox as it is queued (inside the writing transaction, so it always
// equals what the connection would read): flag changes and expunges carry all they alter; arrivals are read
// back by their uids (the rows are written before the change is queued). Every listing is dropped when a
// mailbox goes away or a transaction rolls back, and none is first taken inside a transaction (a rollback
// could leave it holding rows that never were).
// Sessions rely on those same change events for correctness (RFC 3501 §7.4), so a row never changes without one.
import { hasFlag, SEEN_FLAG } from './message-flags.ts';
import type { MailboxChange, MessageRecord } from './store-types.ts';

/** Listings kept at once (least recently used dropped first): the mailboxes sessions are working in. */
const MAX_LISTINGS = 64;

interface Listing {
  /** Ascending by uid; frozen records. Changed in place: get() hands out copies. */
  records: MessageRecord[];
  byUid: Map<number, MessageRecord>;
  /** Messages without \Seen (STATUS UNSEEN, RFC 3501 §6.3.10), kept with every change. */
  unseen: number;
}

/** Reads the rows of `uids` in a mailbox, ascending by uid (the arrivals of an `exists` change). */
export type ArrivalReader = (mailboxId: number, uids: readonly number[]) => MessageRecord[];

export class MessageListings {
  readonly #byMailbox = new Map<number, Listing>();
  readonly #readArrivals: ArrivalReader;

  constructor(readArrivals: ArrivalReader) {
    this.#readArrivals = readArrivals;
  }

  /** The cached listing or a fresh one from `read` (kept when `cacheable`); always a new array the caller may change. */
  get(mailboxId: number, read: () => MessageRecord[], cacheable: boolean): MessageRecord[] {
    const cached = this.#touch(mailboxId);
    if (cached !== undefined) return [...cached.records];
    const listing = read().map(freezeRecord);
    if (cacheable) {
      const byUid = new Map(listing.map((record) => [record.uid, record]));
      this.#byMailbox.set(mailboxId, { records: [...listing], byUid, unseen: listing.filter((record) => !isSeen(record)).length });
      if (this.#byMailbox.size > MAX_LISTINGS) this.#byMailbox.delete(this.#byMailbox.keys().next().value!);
    }
    return listing;
  }

  /**
   * One message from the held listing of its mailbox: the record, null when the mailbox has no such uid, or
   * undefined when the listing is not held (ask the database).
   */
  cachedRecord(mailboxId: number, uid: number): MessageRecord | null | undefined {
    const listing = this.#byMailbox.get(mailboxId);
    if (listing === undefined) return undefined;
    return listing.byUid.get(uid) ?? null;
  }

  /** The uids from `firstUid` on, ascending, when the mailbox's listing is held; undefined when it is not. */
  uidsFrom(mailboxId: number, firstUid: number): number[] | undefined {
    const listing = this.#byMailbox.get(mailboxId);
    if (listing === undefined) return undefined;
    let start = listing.records.length;
    while (start > 0 && listing.records[start - 1]!.uid >= firstUid) start -= 1;
    return listing.records.slice(start).map((record) => record.uid);
  }

  /** True while the mailbox's listing is held (it then answers every read of that mailbox). */
  holds(mailboxId: number): boolean {
    return this.#byMailbox.has(mailboxId);
  }

  /** Message and unseen counts of a mailbox whose listing is held; undefined when it is not (count in SQL). */
  counts(mailboxId: number): { messageCount: number; unseenCount: number } | undefined {
    const listing = this.#byMailbox.get(mailboxId);
    return listing && { messageCount: listing.records.length, unseenCount: listing.unseen };
  }

  changed(change: MailboxChange): void {
    if (change.kind === 'gone') {
      this.#byMailbox.clear();
      return;
    }
    const listing = this.#byMailbox.get(change.mailboxId);
    if (listing === undefined) return;
    if (change.kind === 'flags') {
      for (const message of change.messages) {
        const record = listing.byUid.get(message.uid);
        if (record === undefined) continue;
        const updated = freezeRecord({ ...record, flags: [...message.flags], modseq: message.modseq });
        listing.unseen += Number(isSeen(record)) - Number(isSeen(updated));
        listing.byUid.set(message.uid, updated);
        listing.records[indexOfUid(listing.records, message.uid)] = updated;
      }
    } else if (change.kind === 'expunge') {
      const removed = new Set(change.uids);
      for (const uid of change.uids) {
        const record = listing.byUid.get(uid);
        if (record === undefined) continue;
        if (!isSeen(record)) listing.unseen -= 1;
        listing.byUid.delete(uid);
      }
      listing.records = listing.records.filter((record) => !removed.has(record.uid));
    } else {
      const last = listing.records[listing.records.length - 1]?.uid ?? 0;
      // UIDs only ascend (RFC 3501 §2.3.1.1), so arrivals go at the end; anything else is read afresh later.
      if (change.uids.some((uid) => uid <= last)) {
        this.#byMailbox.delete(change.mailboxId);
        return;
      }
      for (const record of this.#readArrivals(change.mailboxId, change.uids)) {
        const frozen = freezeRecord(record);
        listing.records.push(frozen);
        listing.byUid.set(frozen.uid, frozen);
        if (!isSeen(frozen)) listing.unseen += 1;
      }
    }
  }

  clear(): void {
    this.#byMailbox.clear();
  }

  #touch(mailboxId: number): Listing | undefined {
    const cached = this.#byMailbox.get(mailboxId);
    if (cached === undefined) return undefined;
    // Map keeps insertion order: re-inserting marks the listing most recently used.
    this.#byMailbox.delete(mailboxId);
    this.#byMailbox.set(mailboxId, cached);
    return cached;
  }
}

function isSeen(record: MessageRecord): boolean {
  return hasFlag(record.flags, SEEN_FLAG);
}

/** Position of `uid` in records ascending by uid (binary search); the uid must be there. */
function indexOfUid(records: readonly MessageRecord[], uid: number): number {
  let low = 0;
  let high = records.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (records[middle]!.uid < uid) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Listings hand out the same record objects to every session: frozen, flags included. */
function freezeRecord(record: MessageRecord): MessageRecord {
  Object.freeze(record.flags);
  return Object.freeze(record);
}
