// Accounts, mailboxes and subscriptions (RFC 3501 §6.3.3 CREATE, §6.3.4 DELETE, §6.3.5 RENAME,
// §6.3.6-7 SUBSCRIBE/UNSUBSCRIBE; RFC 6154 special-use defaults). Every mutation is one transaction.
import {
  allocateUidValidity,
  SELECT_MAILBOX_BY_NAME,
  SELECT_MAILBOXES_OF_ACCOUNT,
  toMailboxRecord,
  type MessageCounter,
} from './mailbox-rows.ts';
import {
  INBOX,
  inferiorLikePattern,
  isInferiorOf,
  normalizeMailboxName,
  superiorNames,
  tryNormalizeMailboxName,
} from './mailbox-names.ts';
import { copyMessageRows, deleteMessageRows, deleteOrphanedBodies, recordExpunge } from './message-rows.ts';
import type { StoreDatabase } from './store-database.ts';
import { DEFAULT_MAILBOXES, StoreError, type MailboxRecord, type SpecialUse } from './store-types.ts';

export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

export class MailboxDirectory {
  readonly #database: StoreDatabase;
  readonly #counter: MessageCounter;

  constructor(database: StoreDatabase, counter: MessageCounter) {
    this.#database = database;
    this.#counter = counter;
  }

  /**
   * Creates the account if missing, and any default folder that is missing both by name and by special use
   * (so a user's renamed `Sent` is not duplicated). Newly created default folders are subscribed.
   */
  ensureAccount(address: string): void {
    const account = normalizeAddress(address);
    if (account.length === 0) throw new StoreError('CANNOT', 'Account address is empty');
    this.#database.transaction(() => {
      this.#database.statement('INSERT INTO accounts (address) VALUES (?) ON CONFLICT DO NOTHING').run(account);
      for (const folder of DEFAULT_MAILBOXES) {
        if (this.#mailboxId(account, folder.name) !== undefined) continue;
        if (folder.specialUse !== null && this.#hasSpecialUse(account, folder.specialUse)) continue;
        this.#insertMailbox(account, folder.name, folder.specialUse);
        this.#subscribe(account, folder.name);
      }
    });
  }

  accountExists(address: string): boolean {
    return this.#database.statement('SELECT 1 FROM accounts WHERE address = ?').get(normalizeAddress(address)) !== undefined;
  }

  /** Throws NONEXISTENT unless the account exists; returns its normalised address. */
  requireAccount(address: string): string {
    const account = normalizeAddress(address);
    if (!this.accountExists(account)) throw new StoreError('NONEXISTENT', `No such account: ${account}`);
    return account;
  }

  listMailboxes(address: string): MailboxRecord[] {
    return this.#database.statement(SELECT_MAILBOXES_OF_ACCOUNT).all(normalizeAddress(address)).map((row) => toMailboxRecord(row, this.#counter));
  }

  /** Undefined for unknown mailboxes and for names that cannot exist (invalid names). */
  getMailbox(address: string, name: string): MailboxRecord | undefined {
    const normalized = tryNormalizeMailboxName(name);
    if (normalized === undefined) return undefined;
    const row = this.#database.statement(SELECT_MAILBOX_BY_NAME).get(normalizeAddress(address), normalized);
    return row ? toMailboxRecord(row, this.#counter) : undefined;
  }

  /** CREATE: also creates missing superior names (RFC 3501 §6.3.3 SHOULD). */
  createMailbox(address: string, name: string, specialUse: SpecialUse | null = null): MailboxRecord {
    const normalized = normalizeMailboxName(name);
    return this.#database.transaction(() => {
      const account = this.requireAccount(address);
      if (this.#mailboxId(account, normalized) !== undefined) {
        throw new StoreError('ALREADYEXISTS', `Mailbox already exists: ${normalized}`);
      }
      this.#createSuperiors(account, normalized);
      this.#insertMailbox(account, normalized, specialUse);
      return toMailboxRecord(this.#database.statement(SELECT_MAILBOX_BY_NAME).get(account, normalized), this.#counter);
    });
  }

  /** Finds a mailbox by name, creating it (and its superiors) when missing; for delivery to capture folders. */
  findOrCreateMailboxId(account: string, normalizedName: string): number {
    const existing = this.#mailboxId(account, normalizedName);
    if (existing !== undefined) return existing;
    this.#createSuperiors(account, normalizedName);
    return this.#insertMailbox(account, normalizedName, null);
  }

  /** DELETE: never INBOX, never a mailbox with inferiors (Dovecot behaviour). Subscriptions stay. */
  deleteMailbox(address: string, name: string): void {
    const normalized = normalizeMailboxName(name);
    if (normalized === INBOX) throw new StoreError('CANNOT', 'INBOX cannot be deleted');
    this.#database.transaction(() => {
      const account = this.requireAccount(address);
      const id = this.#mailboxId(account, normalized);
      if (id === undefined) throw new StoreError('NONEXISTENT', `No such mailbox: ${normalized}`);
      if (this.#inferiors(account, normalized).length > 0) {
        throw new StoreError('CANNOT', `Mailbox has children: ${normalized}`);
      }
      const bodyIds = (this.#database.statement('SELECT DISTINCT body_id FROM messages WHERE mailbox_id = ?').all(id) as Array<{
        body_id: number;
      }>).map((row) => row.body_id);
      this.#database.statement('DELETE FROM messages WHERE mailbox_id = ?').run(id);
      this.#database.statement('DELETE FROM mailboxes WHERE id = ?').run(id);
      deleteOrphanedBodies(this.#database, bodyIds);
      this.#database.queueChange({ kind: 'gone', mailboxId: id });
    });
  }

  /**
   * RENAME (RFC 3501 §6.3.5): inferiors move along, subscriptions follow, UIDVALIDITY is kept. Renaming
   * INBOX moves its messages into a new mailbox and leaves INBOX (and its inferiors) in place, empty.
   */
  renameMailbox(address: string, oldName: string, newName: string): void {
    const source = normalizeMailboxName(oldName);
    const target = normalizeMailboxName(newName);
    this.#database.transaction(() => {
      const account = this.requireAccount(address);
      const sourceId = this.#mailboxId(account, source);
      if (sourceId === undefined) throw new StoreError('NONEXISTENT', `No such mailbox: ${source}`);
      if (this.#mailboxId(account, target) !== undefined) {
        throw new StoreError('ALREADYEXISTS', `Mailbox already exists: ${target}`);
      }
      if (source === INBOX) {
        this.#renameInbox(account, sourceId, target);
        return;
      }
      if (isInferiorOf(target, source)) {
        throw new StoreError('CANNOT', 'A mailbox cannot be renamed into its own inferior');
      }
      const moved = [{ id: sourceId, name: source }, ...this.#inferiors(account, source)];
      for (const mailbox of moved) {
        const renamed = target + mailbox.name.slice(source.length);
        if (mailbox.id !== sourceId && this.#mailboxId(account, renamed) !== undefined) {
          throw new StoreError('ALREADYEXISTS', `Mailbox already exists: ${renamed}`);
        }
        this.#database.statement('UPDATE mailboxes SET name = ? WHERE id = ?').run(renamed, mailbox.id);
      }
      this.#createSuperiors(account, target);
      this.#renameSubscriptions(account, source, target);
      for (const mailbox of moved) this.#database.queueChange({ kind: 'gone', mailboxId: mailbox.id });
    });
  }

  listSubscriptions(address: string): string[] {
    const rows = this.#database
      .statement("SELECT name FROM subscriptions WHERE account = ? ORDER BY name <> 'INBOX', name")
      .all(normalizeAddress(address)) as Array<{ name: string }>;
    return rows.map((row) => row.name);
  }

  /** SUBSCRIBE / UNSUBSCRIBE; the name need not exist (RFC 3501 §6.3.6). */
  setSubscribed(address: string, name: string, subscribed: boolean): void {
    const normalized = normalizeMailboxName(name);
    this.#database.transaction(() => {
      const account = this.requireAccount(address);
      if (subscribed) this.#subscribe(account, normalized);
      else this.#database.statement('DELETE FROM subscriptions WHERE account = ? AND name = ?').run(account, normalized);
    });
  }

  #renameInbox(account: string, inboxId: number, target: string): void {
    this.#createSuperiors(account, target);
    const targetId = this.#insertMailbox(account, target, null);
    const sources = this.#database
      .statement('SELECT uid, modseq, flags, internal_date, size, message_id, body_id FROM messages WHERE mailbox_id = ? ORDER BY uid')
      .all(inboxId) as Array<{ uid: number; flags: string; internal_date: number; size: number; message_id: string | null; body_id: number }>;
    const rows = sources.map((row) => ({
      record: {
        uid: row.uid,
        modseq: 0,
        flags: JSON.parse(row.flags) as string[],
        internalDate: new Date(row.internal_date),
        size: row.size,
        messageId: row.message_id,
      },
      bodyId: row.body_id,
    }));
    copyMessageRows(this.#database, rows, targetId, undefined);
    if (rows.length === 0) return;
    // Copies first, then removal: the shared bodies are still referenced, so none is deleted.
    deleteMessageRows(this.#database, inboxId, rows.map((row) => ({ uid: row.record.uid, bodyId: row.bodyId })));
    const movedUids = rows.map((row) => row.record.uid);
    const modseq = recordExpunge(this.#database, inboxId, movedUids);
    this.#database.queueChange({ kind: 'expunge', mailboxId: inboxId, uids: movedUids, modseq });
  }

  #renameSubscriptions(account: string, source: string, target: string): void {
    const rows = this.#database
      .statement("SELECT name FROM subscriptions WHERE account = ? AND (name = ? OR name LIKE ? ESCAPE '\\')")
      .all(account, source, inferiorLikePattern(source)) as Array<{ name: string }>;
    for (const { name } of rows) {
      this.#database.statement('DELETE FROM subscriptions WHERE account = ? AND name = ?').run(account, name);
      this.#subscribe(account, target + name.slice(source.length));
    }
  }

  #inferiors(account: string, name: string): Array<{ id: number; name: string }> {
    // LIKE is case-insensitive for ASCII: re-check the prefix exactly.
    const rows = this.#database
      .statement("SELECT id, name FROM mailboxes WHERE account = ? AND name LIKE ? ESCAPE '\\'")
      .all(account, inferiorLikePattern(name)) as Array<{ id: number; name: string }>;
    return rows.filter((row) => isInferiorOf(row.name, name));
  }

  #createSuperiors(account: string, name: string): void {
    for (const superior of superiorNames(name)) {
      if (this.#mailboxId(account, superior) === undefined) this.#insertMailbox(account, superior, null);
    }
  }

  #insertMailbox(account: string, name: string, specialUse: SpecialUse | null): number {
    const uidValidity = allocateUidValidity(this.#database);
    const row = this.#database
      .statement(
        'INSERT INTO mailboxes (account, name, uid_validity, uid_next, highest_modseq, special_use, first_recent_uid) ' +
          'VALUES (?, ?, ?, 1, 1, ?, 1) RETURNING id',
      )
      .get(account, name, uidValidity, specialUse) as { id: number };
    return row.id;
  }

  #subscribe(account: string, name: string): void {
    this.#database.statement('INSERT INTO subscriptions (account, name) VALUES (?, ?) ON CONFLICT DO NOTHING').run(account, name);
  }

  #mailboxId(account: string, name: string): number | undefined {
    const row = this.#database.statement('SELECT id FROM mailboxes WHERE account = ? AND name = ?').get(account, name) as
      | { id: number }
      | undefined;
    return row?.id;
  }

  #hasSpecialUse(account: string, specialUse: SpecialUse): boolean {
    return this.#database.statement('SELECT 1 FROM mailboxes WHERE account = ? AND special_use = ?').get(account, specialUse) !== undefined;
  }
}
