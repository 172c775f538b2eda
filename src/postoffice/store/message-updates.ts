// Changes to messages already stored: STORE (RFC 3501 §6.4.6, RFC 7162 §3.2 UNCHANGEDSINCE), COPY (§6.4.7,
// RFC 4315 COPYUID), MOVE (RFC 6851) and EXPUNGE (§6.4.3, RFC 4315 §2.1 UID EXPUNGE). Each runs as one
// transaction (joining the caller's when there is one, e.g. a group commit) and queues its change events, which
// the database emits after COMMIT. New messages (deliveries, APPEND) stay in mail-store.ts.
import { applyFlagMode, normalizeFlags, sameFlags } from './message-flags.ts';
import {
  bumpModseq,
  copyMessageRows,
  deleteMessageRows,
  recordExpunge,
  selectMessagesWithBodies,
  updateMessageFlags,
} from './message-rows.ts';
import type { StoreDatabase } from './store-database.ts';
import { StoreError, type FlagMode, type MessageRecord } from './store-types.ts';

/** The records of those `uids` that exist in a mailbox, ascending by uid (read inside the caller's transaction). */
export type RecordReader = (mailboxId: number, uids: readonly number[]) => MessageRecord[];

/** Reads records from the database, one indexed look-up per uid. */
export function recordsFromDatabase(database: StoreDatabase): RecordReader {
  return (mailboxId, uids) => selectMessagesWithBodies(database, mailboxId, uids).map((row) => row.record);
}

/**
 * `updated` holds every existing, non-failed message with its flags after the operation (so STORE can answer
 * FETCH for each); only messages whose flags really changed get a new MODSEQ and appear in the `flags` event.
 * Unknown uids are ignored. `readRecords` may serve them from memory (the store's listings follow every change).
 */
export function storeMessageFlags(
  database: StoreDatabase,
  mailboxId: number,
  uids: number[],
  mode: FlagMode,
  flags: string[],
  origin: unknown,
  unchangedSince: number | undefined,
  readRecords: RecordReader = recordsFromDatabase(database),
): { updated: MessageRecord[]; failedUids: number[] } {
  const requested = normalizeFlags(flags);
  return database.transaction(() => {
    const records = readRecords(mailboxId, uids);
    // A message row exists only in an existing mailbox, so the look-up is needed only when none was found.
    if (records.length === 0) requireMailbox(database, mailboxId);
    const updated: MessageRecord[] = [];
    const failedUids: number[] = [];
    const changed: MessageRecord[] = [];
    let modseq: number | undefined;
    for (const record of records) {
      if (unchangedSince !== undefined && record.modseq > unchangedSince) {
        failedUids.push(record.uid);
        continue;
      }
      const next = applyFlagMode(record.flags, mode, requested);
      if (sameFlags(next, record.flags)) {
        updated.push(record);
        continue;
      }
      modseq ??= bumpModseq(database, mailboxId);
      updateMessageFlags(database, mailboxId, record.uid, record.flags, next, modseq);
      const changedRecord = { ...record, flags: next, modseq };
      updated.push(changedRecord);
      changed.push(changedRecord);
    }
    if (changed.length > 0) {
      database.queueChange({
        kind: 'flags',
        mailboxId,
        messages: changed.map((record) => ({ uid: record.uid, flags: [...record.flags], modseq: record.modseq })),
        origin,
      });
    }
    return { updated, failedUids };
  });
}

/** Flags and internal date kept, new uids in the target; returns the COPYUID pairs. */
export function copyMessages(
  database: StoreDatabase,
  sourceMailboxId: number,
  uids: number[],
  targetMailboxId: number,
  origin: unknown,
): Array<{ sourceUid: number; targetUid: number }> {
  return database.transaction(() => {
    requireMailbox(database, sourceMailboxId);
    const sources = selectMessagesWithBodies(database, sourceMailboxId, uids);
    return copyMessageRows(database, sources, targetMailboxId, origin);
  });
}

/** Copy and removal in one transaction, so no client ever sees the message in both or in neither. */
export function moveMessages(
  database: StoreDatabase,
  sourceMailboxId: number,
  uids: number[],
  targetMailboxId: number,
  origin: unknown,
): Array<{ sourceUid: number; targetUid: number }> {
  return database.transaction(() => {
    requireMailbox(database, sourceMailboxId);
    const sources = selectMessagesWithBodies(database, sourceMailboxId, uids);
    const pairs = copyMessageRows(database, sources, targetMailboxId, origin);
    if (sources.length > 0) {
      const movedUids = sources.map((source) => source.record.uid);
      deleteMessageRows(database, sourceMailboxId, sources.map((source) => ({ uid: source.record.uid, bodyId: source.bodyId })));
      const modseq = recordExpunge(database, sourceMailboxId, movedUids);
      database.queueChange({ kind: 'expunge', mailboxId: sourceMailboxId, uids: movedUids, modseq, origin });
    }
    return pairs;
  });
}

/** Removes the \Deleted messages (only those among `uids` when given) and returns their uids. */
export function expungeMessages(database: StoreDatabase, mailboxId: number, uids: number[] | undefined, origin: unknown): number[] {
  return database.transaction(() => {
    requireMailbox(database, mailboxId);
    const deletedRows = database
      .statement('SELECT uid, body_id FROM messages INDEXED BY messages_deleted WHERE mailbox_id = ? AND deleted = 1 ORDER BY uid')
      .all(mailboxId) as Array<{ uid: number; body_id: number }>;
    const restriction = uids === undefined ? undefined : new Set(uids);
    const removed = deletedRows
      .filter((row) => restriction === undefined || restriction.has(row.uid))
      .map((row) => ({ uid: row.uid, bodyId: row.body_id }));
    if (removed.length === 0) return [];
    deleteMessageRows(database, mailboxId, removed);
    const removedUids = removed.map((row) => row.uid);
    const modseq = recordExpunge(database, mailboxId, removedUids);
    database.queueChange({ kind: 'expunge', mailboxId, uids: removedUids, modseq, origin });
    return removedUids;
  });
}

/** A vanished mailbox is the caller's NONEXISTENT, not an empty result it could mistake for success. */
function requireMailbox(database: StoreDatabase, mailboxId: number): void {
  if (!database.statement('SELECT 1 FROM mailboxes WHERE id = ?').get(mailboxId)) {
    throw new StoreError('NONEXISTENT', `Mailbox ${mailboxId} does not exist`);
  }
}
