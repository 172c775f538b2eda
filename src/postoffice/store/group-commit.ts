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
// - Every other store transaction still commits with synchronous=FULL; after it (its fsync covered the whole
//   WAL) pending batches are released first, so change events keep commit order.
// Why the fdatasync of the WAL is enough: in WAL mode a commit is durable once its WAL frames are on disk
// (the WAL header is synced by SQLite itself when the WAL restarts), and a checkpoint syncs the WAL before
// copying frames, so no frame reaches the database file unsynced. The WAL file stays the same inode while
// our connection is open (SQLite removes it only when the last connection closes), so one fd serves.
import { closeSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';
import type { StoreDatabase } from './store-database.ts';
import type { MailboxChange } from './store-types.ts';

/** fdatasyncs running at once on libuv's thread pool (4 threads, shared with scrypt for logins). */
const MAX_SYNCS_IN_FLIGHT = 2;

interface QueuedUnit {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** A batch in the WAL, waiting for the fdatasync that makes it durable. */
interface CommittedBatch {
  sequence: number;
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

  constructor(database: StoreDatabase) {
    this.#database = database;
    database.setBeforePublishingSynced(() => this.#syncNow());
  }

  /** Runs `work` (synchronous store writes) in the next group transaction; resolves once it is durable. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** At close: commits whatever is queued and makes everything durable now, synchronously. */
  close(): void {
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
    this.#awaitingSync.push({ sequence: this.#nextSequence++, changes: result.changes, settle });
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

  #startSync(): void {
    // Each fdatasync covers every batch committed before it started. A batch committed while one runs gets an
    // fdatasync of its own at once rather than waiting for the running one to end (that wait was up to a
    // second fsync of latency for every STORE and APPEND under load); a few may overlap on the thread pool.
    const covered = this.#nextSequence - 1;
    if (covered <= this.#coveredBySyncs || this.#syncsInFlight >= MAX_SYNCS_IN_FLIGHT) return;
    this.#syncsInFlight += 1;
    this.#coveredBySyncs = covered;
    fdatasync(this.#walDescriptor(), (error) => {
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
    for (const batch of this.#awaitingSync.splice(0, count)) {
      // The data is committed either way: sessions must see it to stay consistent with the database.
      this.#database.emitChanges(batch.changes);
      for (const settle of batch.settle) settle(error);
    }
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
