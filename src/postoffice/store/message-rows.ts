// Low-level message bookkeeping shared by delivery, APPEND, COPY/MOVE, EXPUNGE and INBOX rename:
// UID and MODSEQ allocation (RFC 3501 §2.3.1.1: UIDs strictly ascend and are never reused; RFC 7162 §3:
// MODSEQ strictly increases), row mapping, and removal of messages with their now-orphaned bodies.
// Every function here must run inside StoreDatabase.transaction.
import { hasFlag, DELETED_FLAG, SEEN_FLAG } from './message-flags.ts';
import type { StoreDatabase } from './store-database.ts';
import { StoreError, type MessageRecord } from './store-types.ts';

/** Largest UID (nz-number, RFC 3501 §9). Past it the mailbox needs a new UIDVALIDITY. */
const MAX_UID = 0xffff_ffff;

export const MESSAGE_COLUMNS = 'uid, modseq, flags, internal_date, size, message_id';

interface MessageRow {
  uid: number;
  modseq: number;
  flags: string;
  internal_date: number;
  size: number;
  message_id: string | null;
}

export function toMessageRecord(row: unknown): MessageRecord {
  const message = row as MessageRow;
  return {
    uid: message.uid,
    modseq: message.modseq,
    flags: JSON.parse(message.flags) as string[],
    internalDate: new Date(message.internal_date),
    size: message.size,
    messageId: message.message_id,
  };
}

/**
 * Reserves `count` consecutive UIDs and one new MODSEQ in a mailbox (uid_next only grows, so expunged
 * UIDs are never handed out again). Throws NONEXISTENT for an unknown mailbox, LIMIT when UIDs run out.
 */
export function reserveUids(
  database: StoreDatabase,
  mailboxId: number,
  count: number,
): { firstUid: number; modseq: number; mailboxName: string; uidValidity: number } {
  const row = database
    .statement(
      'UPDATE mailboxes SET uid_next = uid_next + ?, highest_modseq = highest_modseq + 1 WHERE id = ? ' +
        'RETURNING uid_next - ? AS first_uid, highest_modseq AS modseq, name, uid_validity',
    )
    .get(count, mailboxId, count) as { first_uid: number; modseq: number; name: string; uid_validity: number } | undefined;
  if (!row) throw new StoreError('NONEXISTENT', `Mailbox ${mailboxId} does not exist`);
  if (row.first_uid + count - 1 > MAX_UID) throw new StoreError('LIMIT', 'Mailbox has run out of UIDs');
  return { firstUid: row.first_uid, modseq: row.modseq, mailboxName: row.name, uidValidity: row.uid_validity };
}

/** Bumps and returns the mailbox's HIGHESTMODSEQ (flag changes, expunges). */
export function bumpModseq(database: StoreDatabase, mailboxId: number): number {
  const row = database
    .statement('UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = ? RETURNING highest_modseq')
    .get(mailboxId) as { highest_modseq: number } | undefined;
  if (!row) throw new StoreError('NONEXISTENT', `Mailbox ${mailboxId} does not exist`);
  return row.highest_modseq;
}

/** Stores raw bytes once; messages refer to them by id. */
export function insertBody(database: StoreDatabase, raw: Buffer): number {
  const row = database.statement('INSERT INTO bodies (raw) VALUES (?) RETURNING id').get(raw) as { id: number };
  return row.id;
}

export interface NewMessageRow {
  mailboxId: number;
  uid: number;
  modseq: number;
  /** Already normalised (message-flags.ts). */
  flags: string[];
  internalDate: Date;
  size: number;
  messageId: string | null;
  bodyId: number;
}

export function insertMessageRow(database: StoreDatabase, message: NewMessageRow): MessageRecord {
  if (!Number.isFinite(message.internalDate.getTime())) {
    throw new StoreError('CANNOT', 'Invalid internal date');
  }
  database.insertedBytes += message.size;
  database
    .statement(
      'INSERT INTO messages (mailbox_id, uid, modseq, flags, seen, deleted, internal_date, size, message_id, body_id) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      message.mailboxId,
      message.uid,
      message.modseq,
      JSON.stringify(message.flags),
      hasFlag(message.flags, SEEN_FLAG) ? 1 : 0,
      hasFlag(message.flags, DELETED_FLAG) ? 1 : 0,
      message.internalDate.getTime(),
      message.size,
      message.messageId,
      message.bodyId,
    );
  return {
    uid: message.uid,
    modseq: message.modseq,
    flags: [...message.flags],
    internalDate: new Date(message.internalDate.getTime()),
    size: message.size,
    messageId: message.messageId,
  };
}

/**
 * Rewrites a message's flags with a new MODSEQ, and its seen/deleted columns when those change. SQLite rewrites the
 * entries of every index over a column the UPDATE sets, changed or not: most flag changes (keywords, \\Flagged,
 * \\Answered) leave \\Seen and \\Deleted alone and so write no index page at all.
 */
export function updateMessageFlags(database: StoreDatabase, mailboxId: number, uid: number, previous: readonly string[], flags: string[], modseq: number): void {
  const seen = hasFlag(flags, SEEN_FLAG);
  const deleted = hasFlag(flags, DELETED_FLAG);
  if (seen === hasFlag(previous, SEEN_FLAG) && deleted === hasFlag(previous, DELETED_FLAG)) {
    database.statement('UPDATE messages SET flags = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?').run(JSON.stringify(flags), modseq, mailboxId, uid);
    return;
  }
  database
    .statement('UPDATE messages SET flags = ?, seen = ?, deleted = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?')
    .run(JSON.stringify(flags), seen ? 1 : 0, deleted ? 1 : 0, modseq, mailboxId, uid);
}

/** The full rows (with body ids) of the given uids that exist, ascending by uid. */
export function selectMessagesWithBodies(
  database: StoreDatabase,
  mailboxId: number,
  uids: readonly number[],
): Array<{ record: MessageRecord; bodyId: number }> {
  const statement = database.statement(`SELECT ${MESSAGE_COLUMNS}, body_id FROM messages WHERE mailbox_id = ? AND uid = ?`);
  const found: Array<{ record: MessageRecord; bodyId: number }> = [];
  for (const uid of uniqueAscending(uids)) {
    const row = statement.get(mailboxId, uid) as (MessageRow & { body_id: number }) | undefined;
    if (row) found.push({ record: toMessageRecord(row), bodyId: row.body_id });
  }
  return found;
}

/**
 * Bumps the mailbox's MODSEQ for an expunge and remembers the removed uids with it (RFC 7162 §3.2: QRESYNC
 * reports them in VANISHED (EARLIER)). Returns that MODSEQ.
 */
export function recordExpunge(database: StoreDatabase, mailboxId: number, uids: readonly number[]): number {
  const modseq = bumpModseq(database, mailboxId);
  const remember = database.statement('INSERT OR REPLACE INTO expunged_messages (mailbox_id, uid, modseq) VALUES (?, ?, ?)');
  for (const uid of uids) remember.run(mailboxId, uid, modseq);
  return modseq;
}

/**
 * Forgets all but the newest `keep` remembered expunges of each mailbox (retention.expungeHistory) and moves its
 * `expunge_history_from` up past what was forgotten: a QRESYNC from before that point gets every UID missing below
 * UIDNEXT instead (mailbox-usage.ts expungedSince, RFC 7162 §3.2.6). Returns the records removed.
 */
export function pruneExpungeHistory(database: StoreDatabase, keep: number): number {
  const crowded = database
    .statement('SELECT mailbox_id FROM expunged_messages GROUP BY mailbox_id HAVING COUNT(*) > ?')
    .all(keep) as Array<{ mailbox_id: number }>;
  let removed = 0;
  for (const { mailbox_id: mailboxId } of crowded) {
    const oldestKept = database
      .statement('SELECT modseq FROM expunged_messages INDEXED BY expunged_messages_modseq WHERE mailbox_id = ? ORDER BY modseq DESC LIMIT 1 OFFSET ?')
      .get(mailboxId, keep - 1) as { modseq: number } | undefined;
    if (oldestKept === undefined) continue;
    // Everything older than the oldest record kept goes; records sharing its MODSEQ stay with it.
    const forgetUpTo = oldestKept.modseq - 1;
    removed += Number(database.statement('DELETE FROM expunged_messages WHERE mailbox_id = ? AND modseq <= ?').run(mailboxId, forgetUpTo).changes);
    database.statement('UPDATE mailboxes SET expunge_history_from = max(expunge_history_from, ?) WHERE id = ?').run(forgetUpTo, mailboxId);
  }
  return removed;
}

/** Deletes message rows and every body no other message still refers to. */
export function deleteMessageRows(database: StoreDatabase, mailboxId: number, rows: ReadonlyArray<{ uid: number; bodyId: number }>): void {
  const deleteMessage = database.statement('DELETE FROM messages WHERE mailbox_id = ? AND uid = ?');
  for (const row of rows) deleteMessage.run(mailboxId, row.uid);
  deleteOrphanedBodies(database, rows.map((row) => row.bodyId));
}

export function deleteOrphanedBodies(database: StoreDatabase, bodyIds: readonly number[]): void {
  const stillUsed = database.statement('SELECT 1 FROM messages WHERE body_id = ? LIMIT 1');
  const deleteBody = database.statement('DELETE FROM bodies WHERE id = ?');
  for (const bodyId of new Set(bodyIds)) {
    if (stillUsed.get(bodyId) === undefined) deleteBody.run(bodyId);
  }
}

export function uniqueAscending(uids: readonly number[]): number[] {
  return [...new Set(uids)].filter((uid) => Number.isInteger(uid) && uid > 0).sort((left, right) => left - right);
}

/**
 * Copies messages (flags, internal date and shared body kept) to new UIDs in the target mailbox and queues
 * the target's `exists` change. Returns the source → target UID pairs ascending (RFC 4315 COPYUID).
 */
export function copyMessageRows(
  database: StoreDatabase,
  sources: ReadonlyArray<{ record: MessageRecord; bodyId: number }>,
  targetMailboxId: number,
  origin: unknown,
): Array<{ sourceUid: number; targetUid: number }> {
  if (sources.length === 0) {
    if (!database.statement('SELECT 1 FROM mailboxes WHERE id = ?').get(targetMailboxId)) {
      throw new StoreError('NONEXISTENT', `Mailbox ${targetMailboxId} does not exist`);
    }
    return [];
  }
  const { firstUid, modseq } = reserveUids(database, targetMailboxId, sources.length);
  const pairs = sources.map((source, index) => {
    const targetUid = firstUid + index;
    insertMessageRow(database, {
      mailboxId: targetMailboxId,
      uid: targetUid,
      modseq,
      flags: source.record.flags,
      internalDate: source.record.internalDate,
      size: source.record.size,
      messageId: source.record.messageId,
      bodyId: source.bodyId,
    });
    return { sourceUid: source.record.uid, targetUid };
  });
  database.queueChange({ kind: 'exists', mailboxId: targetMailboxId, uids: pairs.map((pair) => pair.targetUid), modseq, origin });
  return pairs;
}
