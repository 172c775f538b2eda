// Read-only questions about what mailboxes hold and held: the UIDs expunged since a MODSEQ (RFC 7162 §3.2.5
// and §3.2.6, QRESYNC's VANISHED (EARLIER)), an account's storage (RFC 9208 QUOTA usage) and a mailbox's
// sizes (RFC 9051 STATUS SIZE and DELETED, RFC 9208 DELETED-STORAGE). One indexed query each.
import type { StoreDatabase } from './store-database.ts';
import { StoreError, type MailboxSizes, type MailboxUsage, type UidRange } from './store-types.ts';

/**
 * UIDs expunged after `sinceModseq`, as ascending ranges. Expunges are remembered from
 * `expunge_history_from` on (schema version 3); for an older MODSEQ every UID below UIDNEXT that no message
 * has is returned instead (RFC 7162 §3.2.6: a server that forgot reports all expunged messages).
 */
export function expungedSince(database: StoreDatabase, mailboxId: number, sinceModseq: number): UidRange[] {
  const mailbox = database.statement('SELECT uid_next, expunge_history_from FROM mailboxes WHERE id = ?').get(mailboxId) as
    | { uid_next: number; expunge_history_from: number }
    | undefined;
  if (!mailbox) throw new StoreError('NONEXISTENT', `Mailbox ${mailboxId} does not exist`);
  if (sinceModseq >= mailbox.expunge_history_from) {
    const rows = database
      .statement('SELECT uid FROM expunged_messages INDEXED BY expunged_messages_modseq WHERE mailbox_id = ? AND modseq > ? ORDER BY uid')
      .all(mailboxId, sinceModseq) as Array<{ uid: number }>;
    return toRanges(rows.map((row) => row.uid));
  }
  const present = database.statement('SELECT uid FROM messages WHERE mailbox_id = ? ORDER BY uid').all(mailboxId) as Array<{ uid: number }>;
  const gaps: UidRange[] = [];
  let next = 1;
  for (const { uid } of present) {
    if (uid > next) gaps.push({ start: next, end: uid - 1 });
    next = uid + 1;
  }
  if (next <= mailbox.uid_next - 1) gaps.push({ start: next, end: mailbox.uid_next - 1 });
  return gaps;
}

/** Bytes and messages of each mailbox of one account (empty mailboxes included), by name. */
export function accountUsage(database: StoreDatabase, account: string): MailboxUsage[] {
  return database
    .statement(
      'SELECT mailboxes.name AS name, COALESCE(SUM(messages.size), 0) AS bytes, COUNT(messages.uid) AS messages FROM mailboxes ' +
        'LEFT JOIN messages ON messages.mailbox_id = mailboxes.id WHERE mailboxes.account = ? GROUP BY mailboxes.id ORDER BY mailboxes.name',
    )
    .all(account.trim().toLowerCase())
    .map((row) => {
      const usage = row as unknown as MailboxUsage;
      return { name: usage.name, bytes: usage.bytes, messages: usage.messages };
    });
}

export function mailboxSizes(database: StoreDatabase, mailboxId: number): MailboxSizes {
  const row = database
    .statement(
      'SELECT COALESCE(SUM(size), 0) AS bytes, COALESCE(SUM(deleted), 0) AS deleted_messages, ' +
        'COALESCE(SUM(CASE WHEN deleted = 1 THEN size ELSE 0 END), 0) AS deleted_bytes FROM messages WHERE mailbox_id = ?',
    )
    .get(mailboxId) as { bytes: number; deleted_messages: number; deleted_bytes: number };
  return { bytes: row.bytes, deletedMessages: row.deleted_messages, deletedBytes: row.deleted_bytes };
}

/** Ascending unique uids as inclusive ranges: [1, 2, 3, 7] becomes 1-3 and 7-7. */
function toRanges(uids: readonly number[]): UidRange[] {
  const ranges: UidRange[] = [];
  for (const uid of uids) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && uid === last.end + 1) last.end = uid;
    else ranges.push({ start: uid, end: uid });
  }
  return ranges;
}
