// Reads mailbox rows into MailboxRecord (RFC 3501 §6.3.10 STATUS values) and allocates UIDVALIDITY values
// (RFC 3501 §2.3.1.1: unique per mailbox incarnation, never reused, stable across restarts).
import type { StoreDatabase } from './store-database.ts';
import type { MailboxChange, MailboxRecord, SpecialUse } from './store-types.ts';

const MAILBOX_COLUMNS = `
  mailboxes.id AS id, mailboxes.account AS account, mailboxes.name AS name,
  mailboxes.uid_validity AS uid_validity, mailboxes.uid_next AS uid_next,
  mailboxes.highest_modseq AS highest_modseq, mailboxes.special_use AS special_use,
  mailboxes.first_recent_uid AS first_recent_uid`;

export const SELECT_MAILBOX_BY_ID = `SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE id = ?`;
export const SELECT_MAILBOX_BY_NAME = `SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE account = ? AND name = ?`;
// INBOX first, then by name, so LIST output is stable.
export const SELECT_MAILBOXES_OF_ACCOUNT =
  `SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE account = ? ORDER BY name <> 'INBOX', name`;

interface MailboxRow {
  id: number;
  account: string;
  name: string;
  uid_validity: number;
  uid_next: number;
  highest_modseq: number;
  special_use: string | null;
  first_recent_uid: number;
}

export interface MessageCounts {
  messageCount: number;
  unseenCount: number;
}

/** Where a MailboxRecord's counts come from: the store's in-memory listing when held, else countMessages(). */
export type MessageCounter = (mailboxId: number) => MessageCounts;

/** Counts from the (mailbox_id, uid) primary key and the (mailbox_id, seen) index: no table scans. */
export function countMessages(database: StoreDatabase, mailboxId: number): MessageCounts {
  const row = database
    .statement(
      'SELECT (SELECT COUNT(*) FROM messages WHERE mailbox_id = ?1) AS message_count, ' +
        '(SELECT COUNT(*) FROM messages WHERE mailbox_id = ?1 AND seen = 0) AS unseen_count',
    )
    .get(mailboxId) as { message_count: number; unseen_count: number };
  return { messageCount: row.message_count, unseenCount: row.unseen_count };
}

export function toMailboxRecord(row: unknown, counter: MessageCounter): MailboxRecord {
  const mailbox = row as MailboxRow;
  return {
    id: mailbox.id,
    account: mailbox.account,
    name: mailbox.name,
    uidValidity: mailbox.uid_validity,
    uidNext: mailbox.uid_next,
    highestModseq: mailbox.highest_modseq,
    specialUse: mailbox.special_use as SpecialUse | null,
    firstRecentUid: mailbox.first_recent_uid,
    ...counter(mailbox.id),
  };
}

/** Largest value a UIDVALIDITY (nz-number, RFC 3501 §9) can take. */
const MAX_UINT32 = 0xffff_ffff;
const LAST_UID_VALIDITY_KEY = 'last_uid_validity';

/**
 * The next UIDVALIDITY: max(now in seconds, last + 1), persisted in store_meta, so two mailboxes created in
 * the same second differ and a re-created mailbox never gets an old value back. Call inside a transaction.
 */
export function allocateUidValidity(database: StoreDatabase): number {
  const row = database.statement('SELECT value FROM store_meta WHERE key = ?').get(LAST_UID_VALIDITY_KEY) as
    | { value: number }
    | undefined;
  const last = row?.value ?? 0;
  const next = Math.max(Math.floor(Date.now() / 1000), last + 1);
  if (next > MAX_UINT32) throw new Error('mail store: UIDVALIDITY space exhausted');
  database
    .statement('INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
    .run(LAST_UID_VALIDITY_KEY, next);
  return next;
}

/**
 * Mailbox rows read outside transactions, kept along with every change queued for that mailbox (UIDNEXT and
 * HIGHESTMODSEQ only move in transactions that queue one) until a mailbox goes away or is renamed ('gone') or a
 * transaction rolls back. FETCH and SEARCH read the selected mailbox's row on every command; this spares
 * them a query each. first_recent_uid may be behind here: MailStore overlays the in-memory \Recent claims,
 * which only move forward. Inside a transaction rows are always read afresh, never kept.
 */
export class MailboxRowCache {
  readonly #database: StoreDatabase;
  readonly #byId = new Map<number, unknown>();
  readonly #idByName = new Map<string, number>();

  constructor(database: StoreDatabase) {
    this.#database = database;
  }

  byId(id: number): unknown {
    if (this.#database.inTransaction) return this.#database.statement(SELECT_MAILBOX_BY_ID).get(id);
    let row = this.#byId.get(id);
    if (row === undefined) {
      row = this.#database.statement(SELECT_MAILBOX_BY_ID).get(id);
      if (row !== undefined) this.#byId.set(id, row);
    }
    return row;
  }

  /** `account` and `name` normalised (lower-case address, INBOX in upper case). */
  byName(account: string, name: string): unknown {
    if (this.#database.inTransaction) return this.#database.statement(SELECT_MAILBOX_BY_NAME).get(account, name);
    const key = `${account}\n${name}`;
    const id = this.#idByName.get(key);
    if (id !== undefined) return this.byId(id);
    const row = this.#database.statement(SELECT_MAILBOX_BY_NAME).get(account, name) as MailboxRow | undefined;
    if (row !== undefined) {
      this.#idByName.set(key, row.id);
      this.#byId.set(row.id, row);
    }
    return row;
  }

  /**
   * Follows a queued change: UIDNEXT and HIGHESTMODSEQ move only by reserveUids (arrivals) and bumpModseq (flag
   * changes, expunges), and each such change carries the MODSEQ it got, which is then the mailbox's highest.
   */
  changed(change: MailboxChange): void {
    if (change.kind === 'gone') {
      this.clear();
      return;
    }
    const row = this.#byId.get(change.mailboxId) as MailboxRow | undefined;
    if (row === undefined) return;
    const modseq = change.kind === 'flags' ? change.messages.reduce((highest, message) => Math.max(highest, message.modseq), 0) : change.modseq;
    if (modseq === undefined || modseq === 0) {
      this.#byId.delete(change.mailboxId);
      return;
    }
    const uidNext = change.kind === 'exists' ? change.uids.reduce((next, uid) => Math.max(next, uid + 1), row.uid_next) : row.uid_next;
    this.#byId.set(change.mailboxId, { ...row, highest_modseq: Math.max(row.highest_modseq, modseq), uid_next: uidNext });
  }

  clear(): void {
    this.#byId.clear();
    this.#idByName.clear();
  }
}
