// The contract between the durable mail store and its two users, the SMTP delivery path and IMAP sessions.
// Semantics follow RFC 3501 §2.3.1 (UIDs, UIDVALIDITY) and RFC 7162 §3 (MODSEQ): UIDs strictly ascend and
// are never reused; UIDVALIDITY is unique per mailbox incarnation; MODSEQ strictly increases and persists.
import type { StatementSync } from 'node:sqlite';

/** Special-use attributes of RFC 6154 that the default folders carry. */
export type SpecialUse = '\\Sent' | '\\Drafts' | '\\Trash' | '\\Archive' | '\\Junk' | '\\All' | '\\Flagged';

/** The folders every account gets, subscribed, on creation. */
export const DEFAULT_MAILBOXES: ReadonlyArray<{ name: string; specialUse: SpecialUse | null }> = [
  { name: 'INBOX', specialUse: null },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Archive', specialUse: '\\Archive' },
  { name: 'Junk', specialUse: '\\Junk' },
];

/** Hierarchy delimiter of every account's namespace. */
export const HIERARCHY_DELIMITER = '/';

export interface MailboxRecord {
  id: number;
  /** Owner account, the full lower-case address (`alice@swarm.local`). */
  account: string;
  /** Name as IMAP shows it (decoded UTF-8, `/`-delimited; `INBOX` always upper case). */
  name: string;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  specialUse: SpecialUse | null;
  /**
   * Messages with uid >= this are \Recent and not yet claimed by any SELECT. Claims live in memory and are
   * persisted with the store's next transaction: after a crash a message may show as \Recent once more.
   */
  firstRecentUid: number;
  messageCount: number;
  unseenCount: number;
}

export interface MessageRecord {
  uid: number;
  modseq: number;
  /** System flags (`\Seen` ...) and keywords (`$Forwarded` ...), in stored case, never `\Recent`. */
  flags: string[];
  internalDate: Date;
  /** Size of the stored raw bytes (RFC822.SIZE). */
  size: number;
  /** Message-ID header value without angle brackets, if the message has one. */
  messageId: string | null;
}

/** What a store mutation tells every session that watches the mailbox. */
export type MailboxChange =
  /** `modseq`: the MODSEQ the new messages got (RFC 7162 §3.1), so a session knows how far its view reaches. */
  | { kind: 'exists'; mailboxId: number; uids: number[]; modseq?: number; origin?: unknown }
  | { kind: 'flags'; mailboxId: number; messages: Array<{ uid: number; flags: string[]; modseq: number }>; origin?: unknown }
  /** `modseq`: the MODSEQ of the expunge, remembered with the uids (RFC 7162 §3.2 VANISHED). */
  | { kind: 'expunge'; mailboxId: number; uids: number[]; modseq?: number; origin?: unknown }
  /** The mailbox was deleted or renamed away: selected sessions must be told (BYE or NO on next command). */
  | { kind: 'gone'; mailboxId: number; origin?: unknown };

/**
 * What happened in one account, for RFC 5465 NOTIFY: directory changes (after their commit) and every
 * mailbox's message changes with the mailbox id (a session watches mailboxes it has not selected).
 */
export type AccountChange =
  | { kind: 'mailbox-created'; account: string; name: string }
  | { kind: 'mailbox-deleted'; account: string; name: string }
  | { kind: 'mailbox-renamed'; account: string; oldName: string; newName: string }
  | { kind: 'subscription'; account: string; name: string; subscribed: boolean }
  | { kind: 'messages'; account: string; mailboxId: number; change: MailboxChange };

export type FlagMode = 'set' | 'add' | 'remove';

/** An inclusive range of UIDs. */
export interface UidRange {
  start: number;
  end: number;
}

/** What one mailbox of an account holds (QUOTA usage is their sum over the mailboxes that count). */
export interface MailboxUsage {
  name: string;
  bytes: number;
  messages: number;
}

/** Sizes of one mailbox for STATUS SIZE, DELETED and DELETED-STORAGE (RFC 9051 §6.3.11, RFC 9208 §4.1.4). */
export interface MailboxSizes {
  /** Sum of RFC822.SIZE of every message. */
  bytes: number;
  /** Messages flagged \Deleted and the sum of their sizes (what an EXPUNGE would free). */
  deletedMessages: number;
  deletedBytes: number;
}

export interface DeliveryTarget {
  account: string;
  /** Defaults to INBOX. */
  mailbox?: string;
  /** Flags the new copy starts with (the humans' Journal copies arrive \Seen); default none. */
  flags?: string[];
}

export interface DeliveryResult {
  account: string;
  mailboxId: number;
  uid: number;
}

/** A stored copy as a DeliveryHook sees it: with its mailbox's name and UIDVALIDITY (no second look-up). */
export interface DeliveredCopy extends DeliveryResult {
  mailbox: string;
  uidValidity: number;
}

/** Prepared statements on the store's own connection, for rows that must commit with a delivery. */
export interface TransactionStatements {
  statement(sql: string): StatementSync;
}

/**
 * Runs inside the delivery's transaction, after the copies are stored: whatever it writes through
 * `database` commits (or rolls back) atomically with them. Throwing fails the delivery.
 */
export type DeliveryHook = (copies: DeliveredCopy[], database: TransactionStatements) => void;

/**
 * The store API. All methods are synchronous (node:sqlite), and every mutation is one transaction that is
 * durable (WAL, synchronous=FULL) when the method returns; change events are emitted after the commit.
 * Methods throw `StoreError` with a `code` the IMAP layer maps to NO responses.
 */
export interface MailStoreApi {
  // Accounts
  ensureAccount(address: string): void;
  accountExists(address: string): boolean;
  // Mailboxes
  listMailboxes(account: string): MailboxRecord[];
  getMailbox(account: string, name: string): MailboxRecord | undefined;
  getMailboxById(id: number): MailboxRecord | undefined;
  createMailbox(account: string, name: string, specialUse?: SpecialUse | null): MailboxRecord;
  deleteMailbox(account: string, name: string): void;
  renameMailbox(account: string, oldName: string, newName: string): void;
  listSubscriptions(account: string): string[];
  setSubscribed(account: string, name: string, subscribed: boolean): void;
  /** Claims the \Recent messages for one SELECT: returns the uids that are recent for that session. */
  claimRecent(mailboxId: number): number[];
  // Messages
  listMessages(mailboxId: number): MessageRecord[];
  getMessage(mailboxId: number, uid: number): MessageRecord | undefined;
  /** Looks up many messages of one mailbox by uid (from the in-memory listing; for SEARCH and large FETCH sets). */
  messageLookup(mailboxId: number): (uid: number) => MessageRecord | undefined;
  getRaw(mailboxId: number, uid: number): Buffer | undefined;
  /** Delivers one message to several accounts in one transaction (the SMTP 250 promise). */
  deliver(targets: DeliveryTarget[], raw: Buffer, internalDate?: Date, inTransaction?: DeliveryHook): DeliveryResult[];
  /**
   * deliver() with group commit: deliveries of one event-loop turn share one COMMIT (one fsync). Resolves
   * once this delivery is durable; rejects with its own error only (the others are not affected).
   */
  deliverGrouped(targets: DeliveryTarget[], raw: Buffer, internalDate?: Date, inTransaction?: DeliveryHook): Promise<DeliveryResult[]>;
  append(mailboxId: number, raw: Buffer, flags: string[], internalDate?: Date, origin?: unknown): MessageRecord;
  /** MULTIAPPEND (RFC 3502): several messages in one transaction, all stored or none; records in the given order. */
  appendMany(mailboxId: number, messages: ReadonlyArray<{ raw: Buffer; flags: string[]; internalDate?: Date }>, origin?: unknown): MessageRecord[];
  storeFlags(mailboxId: number, uids: number[], mode: FlagMode, flags: string[], origin?: unknown, unchangedSince?: number): { updated: MessageRecord[]; failedUids: number[] };
  copy(sourceMailboxId: number, uids: number[], targetMailboxId: number, origin?: unknown): Array<{ sourceUid: number; targetUid: number }>;
  move(sourceMailboxId: number, uids: number[], targetMailboxId: number, origin?: unknown): Array<{ sourceUid: number; targetUid: number }>;
  /** Removes messages flagged \Deleted (restricted to `uids` when given); returns the removed uids ascending. */
  expunge(mailboxId: number, uids?: number[], origin?: unknown): number[];
  /**
   * append(), storeFlags() and expunge() through the group commit (as deliverGrouped): the writes of one
   * event-loop turn share one COMMIT and one fdatasync off the event loop. Each resolves once its change is
   * durable and its event emitted, in commit order; a session answers OK only then (IMAP sessions use these).
   * Under `fsync: optimized` (the default) storeFlagsGrouped and expungeGrouped resolve at COMMIT instead, still
   * in commit order: durable with the next fdatasync, like Dovecot's index changes under mail_fsync=optimized.
   */
  appendGrouped(mailboxId: number, raw: Buffer, flags: string[], internalDate?: Date, origin?: unknown): Promise<MessageRecord>;
  storeFlagsGrouped(mailboxId: number, uids: number[], mode: FlagMode, flags: string[], origin?: unknown, unchangedSince?: number): Promise<{ updated: MessageRecord[]; failedUids: number[] }>;
  expungeGrouped(mailboxId: number, uids?: number[], origin?: unknown): Promise<number[]>;
  /** appendMany(), copy() and move() through the group commit, as above (all or nothing each, as alone). */
  appendManyGrouped(mailboxId: number, messages: ReadonlyArray<{ raw: Buffer; flags: string[]; internalDate?: Date }>, origin?: unknown): Promise<MessageRecord[]>;
  copyGrouped(sourceMailboxId: number, uids: number[], targetMailboxId: number, origin?: unknown): Promise<Array<{ sourceUid: number; targetUid: number }>>;
  moveGrouped(sourceMailboxId: number, uids: number[], targetMailboxId: number, origin?: unknown): Promise<Array<{ sourceUid: number; targetUid: number }>>;
  /**
   * UIDs expunged from the mailbox after `sinceModseq` (RFC 7162 §3.2.5, §3.2.6), ascending ranges. When the
   * record does not reach back that far (expunges before the store kept them), every UID below UIDNEXT that
   * no message has is returned, as §3.2.6 asks of a server that forgot.
   */
  expungedSince(mailboxId: number, sinceModseq: number): UidRange[];
  /** Bytes and messages in each mailbox of one account, by name (RFC 9208 STORAGE and MESSAGE usage). */
  accountUsage(account: string): MailboxUsage[];
  /**
   * Bytes of every message stored since the store opened, in any account (only grows): a usage measured by
   * accountUsage() plus the growth of this since then is an upper bound of the usage now (quota checks).
   */
  storedBytes(): number;
  /** Keeps only the newest `keep` remembered expunges per mailbox (QRESYNC history); returns how many went. */
  pruneExpungeHistory(keep: number): number;
  mailboxSizes(mailboxId: number): MailboxSizes;
  /** Messages of one account whose Message-ID is among `messageIds` (thread look-ups). */
  findByMessageIds(account: string, messageIds: string[]): Array<{ mailboxId: number; mailbox: string; uid: number; messageId: string }>;
  // Change events (never polling)
  subscribe(mailboxId: number, listener: (change: MailboxChange) => void): () => void;
  /** Every change of one account (`account` as stored: the lower-case address), after its commit (NOTIFY). */
  subscribeAccount(account: string, listener: (change: AccountChange) => void): () => void;
  close(): void;
}

export type StoreErrorCode = 'NONEXISTENT' | 'ALREADYEXISTS' | 'CANNOT' | 'INUSE' | 'LIMIT' | 'BADNAME';

export class StoreError extends Error {
  override name = 'StoreError';
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
