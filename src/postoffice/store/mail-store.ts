// The durable mail store (node:sqlite, WAL, synchronous=FULL): the MailStoreApi that SMTP delivery and IMAP
// sessions share. Messages, flags, UIDs and MODSEQs follow RFC 3501 §2.3 and RFC 7162 §3; every mutation is
// one transaction, durable when the method returns, and its change events are emitted after COMMIT.
// \Recent claims are the exception: held in memory and written with the next transaction (recent-claims.ts).
// deliverGrouped() shares one COMMIT between the deliveries of one event-loop turn (group-commit.ts), and so do
// the IMAP sessions' writes (appendGrouped, appendManyGrouped, storeFlagsGrouped, expungeGrouped, copyGrouped,
// moveGrouped); under `fsync: optimized` (the default) grouped flag changes and expunges are acknowledged at
// COMMIT, in commit order per mailbox, without waiting for their fdatasync (group-commit.ts `ordered`; every
// grouped write names the mailboxes it touches, deliveries none: they are ordered against all). New messages are
// written here; changes to stored ones (STORE, COPY, MOVE, EXPUNGE) live in message-updates.ts; reads of
// messages go through message-reads.ts (in-memory listings).
import { ChangeHub, type ListenerErrorHandler } from './change-hub.ts';
import { AccountChanges } from './account-changes.ts';
import { GroupCommit, type Acknowledgement, type WalSync } from './group-commit.ts';
import { MailboxDirectory, normalizeAddress } from './mailbox-directory.ts';
import { MailboxRowCache, toMailboxRecord } from './mailbox-rows.ts';
import { INBOX, normalizeMailboxName, tryNormalizeMailboxName } from './mailbox-names.ts';
import { normalizeFlags } from './message-flags.ts';
import { extractMessageId, normalizeMessageId } from './message-id.ts';
import { insertBody, insertMessageRow, pruneExpungeHistory, reserveUids } from './message-rows.ts';
import { copyMessages, expungeMessages, moveMessages, storeMessageFlags } from './message-updates.ts';
import { accountUsage, expungedSince, mailboxSizes } from './mailbox-usage.ts';
import { MessageReads } from './message-reads.ts';
import { RecentClaims } from './recent-claims.ts';
import { StoreDatabase } from './store-database.ts';
import {
  HIERARCHY_DELIMITER,
  StoreError,
  type AccountChange,
  type DeliveredCopy,
  type DeliveryHook,
  type DeliveryResult,
  type DeliveryTarget,
  type FlagMode,
  type MailboxChange,
  type MailboxRecord,
  type MailboxSizes,
  type MailboxUsage,
  type MailStoreApi,
  type MessageRecord,
  type SpecialUse,
  type UidRange,
} from './store-types.ts';

export interface MailStoreOptions {
  /** Called when a change listener throws; the store and the other listeners carry on. Default: console.error. */
  onListenerError?: ListenerErrorHandler;
  /**
   * `optimized` (default, as Dovecot's mail_fsync): flag changes and expunges by IMAP sessions are acknowledged
   * once committed to the WAL, in commit order, and made durable by the fdatasync that follows; new messages
   * (delivery, APPEND, COPY, MOVE) always wait for theirs. `always`: every grouped write waits for its fdatasync.
   */
  fsync?: FsyncPolicy;
  /** Replaces the group commit's fdatasync of the WAL (tests hold it to see what waits for it). */
  walSync?: WalSync;
}

export type FsyncPolicy = 'optimized' | 'always';

export class MailStore implements MailStoreApi {
  readonly #database: StoreDatabase;
  readonly #hub: ChangeHub;
  readonly #directory: MailboxDirectory;
  readonly #recent = new RecentClaims();
  readonly #reads: MessageReads;
  readonly #mailboxRows: MailboxRowCache;
  readonly #group: GroupCommit;
  readonly #accountChanges: AccountChanges;
  /** How grouped flag changes and expunges are acknowledged (MailStoreOptions.fsync). */
  readonly #flagChangeAcknowledgement: Acknowledgement;

  private constructor(dataDir: string, options: MailStoreOptions) {
    this.#hub = new ChangeHub(
      options.onListenerError ??
        ((error, change) => console.error(`mail store: a change listener of mailbox ${change.mailboxId} threw`, error)),
    );
    this.#database = new StoreDatabase(dataDir, this.#hub);
    this.#accountChanges = new AccountChanges(
      (mailboxId) => this.getMailboxById(mailboxId)?.account,
      (error) => console.error('mail store: an account change listener threw', error),
    );
    this.#hub.listenToEveryMailbox((change) => this.#accountChanges.mailboxChanged(change));
    this.#reads = new MessageReads(this.#database);
    this.#directory = new MailboxDirectory(this.#database, (mailboxId) => this.#reads.counts(mailboxId));
    this.#group = new GroupCommit(this.#database, options.walSync);
    this.#flagChangeAcknowledgement = (options.fsync ?? 'optimized') === 'always' ? 'durable' : 'ordered';
    const recent = this.#recent;
    const database = this.#database;
    this.#mailboxRows = new MailboxRowCache(this.#database);
    const reads = this.#reads;
    const mailboxRows = this.#mailboxRows;
    this.#database.setChangeObserver({
      queued: (change) => {
        reads.changed(change);
        mailboxRows.changed(change);
      },
      rolledBack: () => {
        reads.rolledBack();
        mailboxRows.clear();
      },
    });
    this.#database.setCommitParticipant({
      beforeCommit: () => recent.write(database),
      afterCommit: () => recent.written(),
      afterRollback: () => recent.rolledBack(),
    });
  }

  /** Opens (creating when needed) `<dataDir>/mail.sqlite`; reopening after a crash recovers through the WAL. */
  static open(dataDir: string, options: MailStoreOptions = {}): MailStore {
    return new MailStore(dataDir, options);
  }

  // Accounts and mailboxes (mailbox-directory.ts)

  ensureAccount(address: string): void {
    this.#directory.ensureAccount(address);
  }

  accountExists(address: string): boolean {
    return this.#directory.accountExists(address);
  }

  listMailboxes(account: string): MailboxRecord[] {
    return this.#directory.listMailboxes(account).map((mailbox) => this.#withClaims(mailbox));
  }

  getMailbox(account: string, name: string): MailboxRecord | undefined {
    const normalized = tryNormalizeMailboxName(name);
    if (normalized === undefined) return undefined;
    return this.#toRecord(this.#mailboxRows.byName(normalizeAddress(account), normalized));
  }

  getMailboxById(id: number): MailboxRecord | undefined {
    return this.#toRecord(this.#mailboxRows.byId(id));
  }

  createMailbox(account: string, name: string, specialUse: SpecialUse | null = null): MailboxRecord {
    return this.#reportingDirectoryChange(account, () => this.#directory.createMailbox(account, name, specialUse));
  }

  deleteMailbox(account: string, name: string): void {
    const id = this.#directory.getMailbox(account, name)?.id;
    this.#reportingDirectoryChange(account, () => this.#directory.deleteMailbox(account, name));
    if (id !== undefined) this.#accountChanges.forget(id);
  }

  renameMailbox(account: string, oldName: string, newName: string): void {
    const oldPrefix = `${oldName}${HIERARCHY_DELIMITER}`.toLowerCase();
    const renamed = (name: string): string | undefined => {
      if (name.toLowerCase() === oldName.toLowerCase()) return newName;
      return name.toLowerCase().startsWith(oldPrefix) ? `${newName}${name.slice(oldPrefix.length - 1)}` : undefined;
    };
    this.#reportingDirectoryChange(account, () => this.#directory.renameMailbox(account, oldName, newName), renamed);
  }

  listSubscriptions(account: string): string[] {
    return this.#directory.listSubscriptions(account);
  }

  setSubscribed(account: string, name: string, subscribed: boolean): void {
    this.#directory.setSubscribed(account, name, subscribed);
    const owner = normalizeAddress(account);
    if (this.#accountChanges.watched(owner)) this.#accountChanges.subscriptionChanged(owner, name, subscribed);
  }

  /**
   * Returns the uids recent for this session and hands none of them to the next (RFC 3501 §2.3.2 \Recent).
   * Costs no commit: the claim is held in memory and written with the next transaction (recent-claims.ts).
   */
  claimRecent(mailboxId: number): number[] {
    const mailbox = this.#mailboxRows.byId(mailboxId) as { first_recent_uid: number; uid_next: number; uid_validity: number } | undefined;
    if (!mailbox) throw new StoreError('NONEXISTENT', `Mailbox ${mailboxId} does not exist`);
    const firstRecentUid = this.#recent.firstRecentUid(mailboxId, mailbox.uid_validity, mailbox.first_recent_uid);
    if (firstRecentUid >= mailbox.uid_next) return [];
    const recent = this.#reads.uidsFrom(mailboxId, firstRecentUid);
    this.#recent.claim(mailboxId, mailbox.uid_validity, mailbox.uid_next);
    return recent;
  }

  // Messages

  /** Served from the mailbox's listing, kept in memory along with every change (message-reads.ts); records are frozen. */
  listMessages(mailboxId: number): MessageRecord[] {
    return this.#reads.list(mailboxId);
  }

  getMessage(mailboxId: number, uid: number): MessageRecord | undefined {
    return this.#reads.get(mailboxId, uid);
  }

  messageLookup(mailboxId: number): (uid: number) => MessageRecord | undefined {
    return this.#reads.lookup(mailboxId);
  }

  getRaw(mailboxId: number, uid: number): Buffer | undefined {
    return this.#reads.raw(mailboxId, uid);
  }

  /**
   * Stores one message for every target in one transaction: either all recipients get it or none (an
   * unknown account throws NONEXISTENT). A named missing mailbox is created (capture folders).
   * `inTransaction` runs inside that transaction (the audit journal entry commits with the copies).
   */
  deliver(targets: DeliveryTarget[], raw: Buffer, internalDate: Date = new Date(), inTransaction?: DeliveryHook): DeliveryResult[] {
    const resolved = targets.map((target) => ({
      account: target.account,
      mailboxName: target.mailbox === undefined ? INBOX : normalizeMailboxName(target.mailbox),
      flags: normalizeFlags(target.flags ?? []),
    }));
    const messageId = extractMessageId(raw);
    return this.#database.transaction(() => {
      const copies: DeliveredCopy[] = [];
      if (resolved.length > 0) {
        const bodyId = insertBody(this.#database, raw);
        for (const target of resolved) {
          const account = this.#directory.requireAccount(target.account);
          const mailboxId = this.#directory.findOrCreateMailboxId(account, target.mailboxName);
          const { firstUid, modseq, mailboxName, uidValidity } = reserveUids(this.#database, mailboxId, 1);
          const flags = target.flags;
          insertMessageRow(this.#database, { mailboxId, uid: firstUid, modseq, flags, internalDate, size: raw.length, messageId, bodyId });
          this.#database.queueChange({ kind: 'exists', mailboxId, uids: [firstUid], modseq });
          copies.push({ account, mailboxId, uid: firstUid, mailbox: mailboxName, uidValidity });
        }
      }
      inTransaction?.(copies, this.#database);
      return copies.map(({ account, mailboxId, uid }) => ({ account, mailboxId, uid }));
    });
  }

  /**
   * deliver() through the group commit: shares its COMMIT with the other deliveries of this event-loop
   * turn; resolves once this delivery is durable, rejects with this delivery's own error.
   */
  deliverGrouped(targets: DeliveryTarget[], raw: Buffer, internalDate: Date = new Date(), inTransaction?: DeliveryHook): Promise<DeliveryResult[]> {
    return this.#group.run(() => this.deliver(targets, raw, internalDate, inTransaction));
  }

  /**
   * MULTIAPPEND (RFC 3502): the messages in order, in one transaction: all are stored or none. Each goes through
   * append(), whose own transaction joins this one.
   */
  appendMany(mailboxId: number, messages: ReadonlyArray<{ raw: Buffer; flags: string[]; internalDate?: Date }>, origin?: unknown): MessageRecord[] {
    return this.#database.transaction(() => messages.map((message) => this.append(mailboxId, message.raw, message.flags, message.internalDate, origin)));
  }

  /** APPEND (RFC 3501 §6.3.11) and the agents' Sent copies. */
  append(mailboxId: number, raw: Buffer, flags: string[], internalDate: Date = new Date(), origin?: unknown): MessageRecord {
    const normalizedFlags = normalizeFlags(flags);
    const messageId = extractMessageId(raw);
    return this.#database.transaction(() => {
      const bodyId = insertBody(this.#database, raw);
      return this.#insertNewMessage(mailboxId, bodyId, raw.length, normalizedFlags, internalDate, messageId, origin);
    });
  }

  /** STORE (RFC 3501 §6.4.6, RFC 7162 §3.2 UNCHANGEDSINCE); see message-updates.ts. */
  storeFlags(
    mailboxId: number,
    uids: number[],
    mode: FlagMode,
    flags: string[],
    origin?: unknown,
    unchangedSince?: number,
  ): { updated: MessageRecord[]; failedUids: number[] } {
    return storeMessageFlags(this.#database, mailboxId, uids, mode, flags, origin, unchangedSince, (id, wanted) => this.#reads.records(id, wanted));
  }

  appendGrouped(mailboxId: number, raw: Buffer, flags: string[], internalDate: Date = new Date(), origin?: unknown): Promise<MessageRecord> {
    return this.#group.run(() => this.append(mailboxId, raw, flags, internalDate, origin), 'durable', [mailboxId]);
  }

  storeFlagsGrouped(mailboxId: number, uids: number[], mode: FlagMode, flags: string[], origin?: unknown, unchangedSince?: number): Promise<{ updated: MessageRecord[]; failedUids: number[] }> {
    return this.#group.run(() => this.storeFlags(mailboxId, uids, mode, flags, origin, unchangedSince), this.#flagChangeAcknowledgement, [mailboxId]);
  }

  expungeGrouped(mailboxId: number, uids?: number[], origin?: unknown): Promise<number[]> {
    return this.#group.run(() => this.expunge(mailboxId, uids, origin), this.#flagChangeAcknowledgement, [mailboxId]);
  }

  appendManyGrouped(mailboxId: number, messages: ReadonlyArray<{ raw: Buffer; flags: string[]; internalDate?: Date }>, origin?: unknown): Promise<MessageRecord[]> {
    // The unit's SAVEPOINT makes the series all or nothing, as appendMany's own transaction does alone.
    return this.#group.run(() => this.appendMany(mailboxId, messages, origin), 'durable', [mailboxId]);
  }

  copyGrouped(sourceMailboxId: number, uids: number[], targetMailboxId: number, origin?: unknown): Promise<Array<{ sourceUid: number; targetUid: number }>> {
    return this.#group.run(() => this.copy(sourceMailboxId, uids, targetMailboxId, origin), 'durable', [sourceMailboxId, targetMailboxId]);
  }

  moveGrouped(sourceMailboxId: number, uids: number[], targetMailboxId: number, origin?: unknown): Promise<Array<{ sourceUid: number; targetUid: number }>> {
    return this.#group.run(() => this.move(sourceMailboxId, uids, targetMailboxId, origin), 'durable', [sourceMailboxId, targetMailboxId]);
  }

  /** COPY (RFC 3501 §6.4.7, RFC 4315 COPYUID pairs): flags and internal date kept, new uids in the target. */
  copy(sourceMailboxId: number, uids: number[], targetMailboxId: number, origin?: unknown): Array<{ sourceUid: number; targetUid: number }> {
    return copyMessages(this.#database, sourceMailboxId, uids, targetMailboxId, origin);
  }

  /** MOVE (RFC 6851): copy and removal in one transaction; `exists` on the target, `expunge` on the source. */
  move(sourceMailboxId: number, uids: number[], targetMailboxId: number, origin?: unknown): Array<{ sourceUid: number; targetUid: number }> {
    return moveMessages(this.#database, sourceMailboxId, uids, targetMailboxId, origin);
  }

  /** EXPUNGE / UID EXPUNGE (RFC 3501 §6.4.3, RFC 4315 §2.1): removes \Deleted messages, returns their uids. */
  expunge(mailboxId: number, uids?: number[], origin?: unknown): number[] {
    return expungeMessages(this.#database, mailboxId, uids, origin);
  }

  expungedSince(mailboxId: number, sinceModseq: number): UidRange[] {
    return expungedSince(this.#database, mailboxId, sinceModseq);
  }

  accountUsage(account: string): MailboxUsage[] {
    return accountUsage(this.#database, account);
  }

  storedBytes(): number {
    return this.#database.insertedBytes;
  }

  pruneExpungeHistory(keep: number): number {
    return this.#database.transaction(() => pruneExpungeHistory(this.#database, keep));
  }

  mailboxSizes(mailboxId: number): MailboxSizes {
    return mailboxSizes(this.#database, mailboxId);
  }

  /** Thread look-ups: messages of `account` whose Message-ID (with or without `<>`) is in `messageIds`. */
  findByMessageIds(account: string, messageIds: string[]): Array<{ mailboxId: number; mailbox: string; uid: number; messageId: string }> {
    const owner = account.trim().toLowerCase();
    const statement = this.#database.statement(
      'SELECT messages.mailbox_id AS mailbox_id, mailboxes.name AS mailbox, messages.uid AS uid, messages.message_id AS message_id ' +
        'FROM messages JOIN mailboxes ON mailboxes.id = messages.mailbox_id ' +
        'WHERE messages.message_id = ? AND mailboxes.account = ? ORDER BY messages.mailbox_id, messages.uid',
    );
    const wanted = new Set(messageIds.map((id) => normalizeMessageId(id)).filter((id): id is string => id !== null));
    const found: Array<{ mailboxId: number; mailbox: string; uid: number; messageId: string }> = [];
    for (const messageId of wanted) {
      for (const row of statement.all(messageId, owner) as Array<{ mailbox_id: number; mailbox: string; uid: number; message_id: string }>) {
        found.push({ mailboxId: row.mailbox_id, mailbox: row.mailbox, uid: row.uid, messageId: row.message_id });
      }
    }
    return found;
  }

  // Change events

  subscribe(mailboxId: number, listener: (change: MailboxChange) => void): () => void {
    return this.#hub.subscribe(mailboxId, listener);
  }

  subscribeAccount(account: string, listener: (change: AccountChange) => void): () => void {
    return this.#accountChanges.subscribe(normalizeAddress(account), listener);
  }

  /** Runs one directory operation and, when the account is watched (NOTIFY), reports which names it changed. */
  #reportingDirectoryChange<T>(account: string, operation: () => T, renamed?: (oldName: string) => string | undefined): T {
    const owner = normalizeAddress(account);
    if (!this.#accountChanges.watched(owner)) return operation();
    const names = () => new Set(this.#directory.listMailboxes(owner).map((mailbox) => mailbox.name));
    const before = names();
    const result = operation();
    this.#accountChanges.directoryChanged(owner, before, names(), renamed);
    return result;
  }

  close(): void {
    this.#group.close();
    // An empty transaction writes the in-memory \Recent claims (beforeCommit), so a clean restart keeps them.
    if (this.#recent.hasUnwritten()) this.#database.transaction(() => undefined);
    this.#database.close();
  }

  #insertNewMessage(
    mailboxId: number,
    bodyId: number,
    size: number,
    flags: string[],
    internalDate: Date,
    messageId: string | null,
    origin: unknown,
  ): MessageRecord {
    const { firstUid, modseq } = reserveUids(this.#database, mailboxId, 1);
    const record = insertMessageRow(this.#database, { mailboxId, uid: firstUid, modseq, flags, internalDate, size, messageId, bodyId });
    this.#database.queueChange({ kind: 'exists', mailboxId, uids: [record.uid], modseq, origin });
    return record;
  }

  #toRecord(row: unknown): MailboxRecord | undefined {
    return row === undefined ? undefined : this.#withClaims(toMailboxRecord(row, (mailboxId) => this.#reads.counts(mailboxId)));
  }

  #withClaims(mailbox: MailboxRecord): MailboxRecord {
    const firstRecentUid = this.#recent.firstRecentUid(mailbox.id, mailbox.uidValidity, mailbox.firstRecentUid);
    return firstRecentUid === mailbox.firstRecentUid ? mailbox : { ...mailbox, firstRecentUid };
  }
}
