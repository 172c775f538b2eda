// How the store reads messages (RFC 3501 §2.3 UID, flags, size, internal date; RFC 7162 MODSEQ): from the
// mailbox's in-memory listing when it is held (message-listings.ts), from the database otherwise. The listing is
// taken on the first full read outside a transaction and then follows every change queued for its mailbox, so
// memory and database never disagree; raw message bytes are always read from the database.
import { countMessages, type MessageCounts } from './mailbox-rows.ts';
import { MessageListings } from './message-listings.ts';
import { MESSAGE_COLUMNS, toMessageRecord } from './message-rows.ts';
import { recordsFromDatabase } from './message-updates.ts';
import type { StoreDatabase } from './store-database.ts';
import type { MailboxChange, MessageRecord } from './store-types.ts';

export class MessageReads {
  readonly #database: StoreDatabase;
  readonly #listings: MessageListings;

  constructor(database: StoreDatabase) {
    this.#database = database;
    this.#listings = new MessageListings((mailboxId, uids) => this.#readArrivals(mailboxId, uids));
  }

  /** Every message of a mailbox, ascending by uid; records are frozen, the array is the caller's. */
  list(mailboxId: number): MessageRecord[] {
    const read = (): MessageRecord[] =>
      this.#database.statement(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE mailbox_id = ? ORDER BY uid`).all(mailboxId).map(toMessageRecord);
    return this.#listings.get(mailboxId, read, !this.#database.inTransaction);
  }

  get(mailboxId: number, uid: number): MessageRecord | undefined {
    const cached = this.#listings.cachedRecord(mailboxId, uid);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.#database.statement(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE mailbox_id = ? AND uid = ?`).get(mailboxId, uid);
    return row ? toMessageRecord(row) : undefined;
  }

  /** Looks up many messages of one mailbox by uid: from the listing, taking it first when it is not held. */
  lookup(mailboxId: number): (uid: number) => MessageRecord | undefined {
    if (!this.#listings.holds(mailboxId)) {
      const records = new Map(this.list(mailboxId).map((record) => [record.uid, record]));
      // Inside a transaction the listing is not kept: look up in this one read.
      if (!this.#listings.holds(mailboxId)) return (uid) => records.get(uid);
    }
    return (uid) => this.get(mailboxId, uid);
  }

  /** The existing records among `uids`, ascending: from the held listing, else one query each. */
  records(mailboxId: number, uids: readonly number[]): MessageRecord[] {
    if (!this.#listings.holds(mailboxId)) return recordsFromDatabase(this.#database)(mailboxId, uids);
    const found: MessageRecord[] = [];
    for (const uid of [...new Set(uids)].sort((left, right) => left - right)) {
      const record = this.#listings.cachedRecord(mailboxId, uid);
      if (record) found.push(record);
    }
    return found;
  }

  counts(mailboxId: number): MessageCounts {
    return this.#listings.counts(mailboxId) ?? countMessages(this.#database, mailboxId);
  }

  /** The uids from `firstUid` on, ascending. */
  uidsFrom(mailboxId: number, firstUid: number): number[] {
    return (
      this.#listings.uidsFrom(mailboxId, firstUid) ??
      (this.#database.statement('SELECT uid FROM messages WHERE mailbox_id = ? AND uid >= ? ORDER BY uid').all(mailboxId, firstUid) as Array<{ uid: number }>).map(
        (row) => row.uid,
      )
    );
  }

  raw(mailboxId: number, uid: number): Buffer | undefined {
    const row = this.#database
      .statement('SELECT bodies.raw AS raw FROM messages JOIN bodies ON bodies.id = messages.body_id WHERE messages.mailbox_id = ? AND messages.uid = ?')
      .get(mailboxId, uid) as { raw: Uint8Array } | undefined;
    return row ? Buffer.from(row.raw.buffer, row.raw.byteOffset, row.raw.byteLength) : undefined;
  }

  /** A change queued inside the writing transaction (the listings follow it). */
  changed(change: MailboxChange): void {
    this.#listings.changed(change);
  }

  /** A transaction rolled back: nothing held may describe rows that never were. */
  rolledBack(): void {
    this.#listings.clear();
  }

  /** The rows of `uids` (ascending) that exist: arrivals, read back for the listings inside their transaction. */
  #readArrivals(mailboxId: number, uids: readonly number[]): MessageRecord[] {
    const wanted = new Set(uids);
    return this.#database
      .statement(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY uid`)
      .all(mailboxId, uids.reduce((low, uid) => Math.min(low, uid)), uids.reduce((high, uid) => Math.max(high, uid)))
      .map(toMessageRecord)
      .filter((record) => wanted.has(record.uid));
  }
}
