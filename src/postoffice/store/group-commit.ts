// Group commit for deliveries: the SMTP 250 promise of RFC 5321 §6.1 (the message is on stable storage)
// without an fsync on the event loop per message.
// - Deliveries queued within one event-loop turn run together on setImmediate in ONE transaction, each in
//   its own SAVEPOINT (StoreDatabase.transactionBatch): one failing delivery is rolled back alone and gets
//   its own error; the others commit.
// - That COMMIT writes the WAL without fsync; the batch is then made durable by fdatasync of the WAL file
//   on libuv's thread pool, so the event loop keeps serving other sessions meanwhile. A batch committed
//   while an fdatasync runs starts another at once (two at most; more batches share the next). Only when an
//   fdatasync that started after the batch's COMMIT has returned are the batch's change
//   events emitted (IDLE push) and the callers' promises resolved (the 250): nobody is told about data that
//   a power loss could still take away.
// - The exception, asked for per write: an `ordered` batch (IMAP flag changes and expunges under
//   `store.fsync: optimized`, Dovecot's mail_fsync default) is released right after its COMMIT when no earlier
//   batch still waiting shares a mailbox with it. Its fdatasync is the next durable batch's, or one started at
//   most ORDERED_SYNC_DELAY_MS later: nobody waits for it, and starting one per batch kept the thread pool's
//   fdatasync slots busy in front of the APPENDs that do wait.
// - Order is kept per mailbox: every write names the mailboxes it reads or changes (its scope; none named: all
//   of them), and a batch is never released ahead of an earlier one it shares a mailbox with. A session's view,
//   its MODSEQs (RFC 7162: HIGHESTMODSEQ never moves back) and the EXISTS/EXPUNGE order follow one mailbox;
//   across mailboxes nothing was visible to order by (a waiting batch has told nobody anything yet), so an
//   APPEND's fdatasync in one mailbox does not hold up flag changes in the others.
// - Every other store transaction still commits with synchronous=FULL; after it (its fsync covered the whole
//   WAL) pending batches are released first, so change events keep commit order.
// Why the fdatasync of the WAL is enough: in WAL mode a commit is durable once its WAL frames are on disk
// (the WAL header is synced by SQLite itself when the WAL restarts), and a checkpoint syncs the WAL before
// copying frames, so no frame reaches the database file unsynced. The WAL file stays the same inode while
// our connection is open (SQLite removes it only when the last connection closes), so one fd serves.
import { closeSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';
import type { StoreDatabase } from './store-database.ts';
import type { MailboxChange } from './store-types.ts';

/** fdatasync of the WAL off the event loop; tests pass their own to hold it and see what waits for it. */
export type WalSync = (descriptor: number, done: (error: NodeJS.ErrnoException | null) => void) => void;

/** How long the fdatasync of batches nobody waits for (`ordered`) may be put off: the window a power loss could take. */
const ORDERED_SYNC_DELAY_MS = 10;

/** fdatasyncs running at once on libuv's thread pool (4 threads, shared with scrypt for logins). */
const MAX_SYNCS_IN_FLIGHT = 2;

/**
 * When a grouped write may be acknowledged: `durable` once an fdatasync covers it (new messages: SMTP 250,
 * APPEND, COPY, MOVE); `ordered` once it is committed to the WAL and every earlier batch sharing a mailbox with it
 * has been released (flag changes and expunges under `store.fsync: optimized`). An `ordered` write survives a crash of the process (the
 * WAL is written) and is made durable by the next fdatasync; a power loss can take back the last ones but never
 * one without the writes before it (the WAL is replayed as a prefix), nor an acknowledged `durable` write.
 */
export type Acknowledgement = 'durable' | 'ordered';

/** The mailbox ids a grouped write reads or changes; `undefined` for a write that may touch any mailbox. */
export type WriteScope = readonly number[] | undefined;

interface QueuedUnit {
  work: () => unknown;
  acknowledgement: Acknowledgement;
  scope: WriteScope;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** A batch in the WAL, waiting for the fdatasync that makes it durable. */
interface CommittedBatch {
  sequence: number;
  /** Every unit of the batch may be released before the fdatasync (after every earlier batch in its mailboxes). */
  ordered: boolean;
  /** Every mailbox its writes read or changed; undefined: it is ordered against every other batch. */
  mailboxes: ReadonlySet<number> | undefined;
  changes: MailboxChange[];
  settle: Array<(error: unknown) => void>;
}

export class GroupCommit {
  readonly #database: StoreDatabase;
  #queue: QueuedUnit[] = [];
  #scheduled = false;
  #awaitingSync: CommittedBatch[] = [];
  #nextSequence = 1;
  #syncsInFlight = 0;
  /** The last batch sequence an fdatasync already running (or done) covers. */
  #coveredBySyncs = 0;
  #walFd: number | undefined;
  #closed = false;
  /** The last batch that waits for an fdatasync before it is released (not `ordered`). */
  #lastDurableSequence = 0;
  /** The fdatasync put off while only `ordered` batches need one (see #startSync). */
  #deferredSync: NodeJS.Timeout | undefined;

  readonly #walSync: WalSync;

  constructor(database: StoreDatabase, walSync: WalSync = fdatasync) {
    this.#database = database;
    this.#walSync = walSync;
    database.setBeforePublishingSynced(() => this.#syncNow());
  }

  /**
   * Runs `work` (synchronous store writes) in the next group transaction; resolves as `acknowledgement` says,
   * never ahead of an earlier write that shares a mailbox of `scope` with it (all mailboxes when undefined).
   */
  run<T>(work: () => T, acknowledgement: Acknowledgement = 'durable', scope?: WriteScope): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, acknowledgement, scope, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** At close: commits whatever is queued and makes everything durable now, synchronously. */
  close(): void {
    clearTimeout(this.#deferredSync);
    this.#flush();
    this.#syncNow();
    this.#closed = true;
    // An fdatasync still running on the thread pool closes the descriptor when it returns.
    if (this.#syncsInFlight === 0) this.#closeDescriptor();
  }

  #flush(): void {
    this.#scheduled = false;
    const units = this.#queue;
    this.#queue = [];
    if (units.length === 0) return;
    let result;
    try {
      result = this.#database.transactionBatch(units.map((unit) => unit.work));
    } catch {
      // The shared transaction failed as a whole and stored nothing: each unit gets a transaction of its
      // own (fsync'd as every ordinary transaction), so the unit at fault fails with its own error.
      for (const unit of units) this.#runAlone(unit);
      return;
    }
    const settle: Array<(error: unknown) => void> = [];
    result.outcomes.forEach((outcome, index) => {
      const unit = units[index]!;
      if (!outcome.ok) unit.reject(outcome.error);
      else settle.push((error) => (error === undefined ? unit.resolve(outcome.value) : unit.reject(error)));
    });
    const ordered = units.every((unit) => unit.acknowledgement === 'ordered');
    const sequence = this.#nextSequence++;
    if (!ordered) this.#lastDurableSequence = sequence;
    this.#awaitingSync.push({ sequence, ordered, mailboxes: batchMailboxes(units, result.changes), changes: result.changes, settle });
    this.#releaseOrdered();
    this.#startSync();
  }

  #runAlone(unit: QueuedUnit): void {
    let value: unknown;
    try {
      value = this.#database.transaction(unit.work);
    } catch (error) {
      unit.reject(error);
      return;
    }
    unit.resolve(value);
  }

  #startSync(deferred = false): void {
    // Each fdatasync covers every batch committed before it started. A batch committed while one runs gets an
    // fdatasync of its own at once rather than waiting for the running one to end (that wait was up to a
    // second fsync of latency for every STORE and APPEND under load); a few may overlap on the thread pool.
    const covered = this.#nextSequence - 1;
    if (covered <= this.#coveredBySyncs || this.#syncsInFlight >= MAX_SYNCS_IN_FLIGHT) return;
    if (!deferred && this.#lastDurableSequence <= this.#coveredBySyncs) {
      // Only `ordered` batches (already released) are not covered yet: nobody waits for their fdatasync, so it
      // is put off a little and shared with whatever commits meanwhile; a durable batch starts one at once.
      this.#deferredSync ??= setTimeout(() => {
        this.#deferredSync = undefined;
        if (!this.#closed) this.#startSync(true);
      }, ORDERED_SYNC_DELAY_MS).unref();
      return;
    }
    this.#syncsInFlight += 1;
    this.#coveredBySyncs = covered;
    this.#walSync(this.#walDescriptor(), (error) => {
      this.#syncsInFlight -= 1;
      if (this.#closed) {
        if (this.#syncsInFlight === 0) this.#closeDescriptor();
        return; // close() already made every batch durable and released it
      }
      // A failed fdatasync leaves the data committed (visible) but not known durable: its callers get the
      // error (SMTP 451, the client retries: a duplicate rather than a loss, RFC 5321 §6.1). A later one that
      // ended first already released (durably) everything this one covered.
      this.#release(covered, error ?? undefined);
      this.#startSync();
    });
  }

  /** After a synchronous commit (or at close): one fdatasync here covers every batch still waiting. */
  #syncNow(): void {
    if (this.#awaitingSync.length === 0) return;
    let failure: unknown;
    try {
      fdatasyncSync(this.#walDescriptor());
    } catch (error) {
      failure = error;
    }
    this.#release(this.#nextSequence - 1, failure);
  }

  #release(upToSequence: number, error: unknown): void {
    let count = 0;
    while (count < this.#awaitingSync.length && this.#awaitingSync[count]!.sequence <= upToSequence) count += 1;
    for (const batch of this.#awaitingSync.splice(0, count)) this.#publish(batch, error);
    this.#releaseOrdered();
  }

  /**
   * Batches that need no fdatasync go out, in commit order, as soon as no batch committed before them that
   * shares a mailbox with them is still waiting.
   */
  #releaseOrdered(): void {
    const held = new Set<number>();
    for (let index = 0; index < this.#awaitingSync.length;) {
      const batch = this.#awaitingSync[index]!;
      const free = index === 0 || (batch.mailboxes !== undefined && !sharesAny(batch.mailboxes, held));
      if (batch.ordered && free) {
        this.#awaitingSync.splice(index, 1);
        this.#publish(batch, undefined);
        continue;
      }
      // A batch left waiting holds back every later one in its mailboxes (all of them when its scope is open).
      if (batch.mailboxes === undefined) return;
      for (const mailboxId of batch.mailboxes) held.add(mailboxId);
      index += 1;
    }
  }

  #publish(batch: CommittedBatch, error: unknown): void {
    // The data is committed either way: sessions must see it to stay consistent with the database.
    this.#database.emitChanges(batch.changes);
    for (const settle of batch.settle) settle(error);
  }

  #closeDescriptor(): void {
    if (this.#walFd !== undefined) closeSync(this.#walFd);
    this.#walFd = undefined;
  }

  #walDescriptor(): number {
    this.#walFd ??= openSync(this.#database.walFile, 'r+');
    return this.#walFd;
  }
}

/** The mailboxes a batch's units named, and those its changes touched; undefined when a unit named none. */
function batchMailboxes(units: readonly QueuedUnit[], changes: readonly MailboxChange[]): ReadonlySet<number> | undefined {
  const mailboxes = new Set<number>();
  for (const unit of units) {
    if (unit.scope === undefined) return undefined;
    for (const mailboxId of unit.scope) mailboxes.add(mailboxId);
  }
  for (const change of changes) mailboxes.add(change.mailboxId);
  return mailboxes;
}

function sharesAny(mailboxes: ReadonlySet<number>, others: ReadonlySet<number>): boolean {
  for (const mailboxId of mailboxes) if (others.has(mailboxId)) return true;
  return false;
}
