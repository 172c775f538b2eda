// The SQLite connection of the mail store: durable settings (WAL + synchronous=FULL, so a committed
// transaction survives kill -9 and power loss), a prepared-statement cache, and transactions that
// publish their change events only after COMMIT (RFC 3501 §7.4: clients must never see uncommitted state).
// transactionBatch() serves the group commit (group-commit.ts): several units of work, each in its own
// SAVEPOINT when there are several (one failing unit is undone alone), share one BEGIN ... COMMIT that is
// written to the WAL without fsync; the caller makes it durable with an fdatasync of the WAL file off the event
// loop and only then emits its changes.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { ChangeHub } from './change-hub.ts';
import { migrate } from './schema.ts';
import type { MailboxChange } from './store-types.ts';

export const DATABASE_FILE_NAME = 'mail.sqlite';

/** State that rides along with every commit (the \Recent claims, recent-claims.ts). */
export interface CommitParticipant {
  /** Inside the transaction, just before COMMIT. */
  beforeCommit(): void;
  afterCommit(): void;
  afterRollback(): void;
}

export type BatchOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface BatchResult<T> {
  outcomes: Array<BatchOutcome<T>>;
  /** The committed units' changes, NOT yet emitted: the caller emits them once the batch is durable. */
  changes: MailboxChange[];
}

/** Told of every change as it is queued and of every rollback (message-listings.ts drops stale listings). */
export interface ChangeObserver {
  queued(change: MailboxChange): void;
  rolledBack(): void;
}

export class StoreDatabase {
  readonly #connection: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  readonly #hub: ChangeHub;
  #pendingChanges: MailboxChange[] | null = null;
  #participant: CommitParticipant | undefined;
  #beforePublishingSynced: (() => void) | undefined;
  #changeObserver: ChangeObserver | undefined;
  /** The WAL file, which the group commit fdatasyncs itself. */
  readonly walFile: string;
  /**
   * Sum of the sizes of every message row inserted through this connection (deliveries, APPEND, COPY, MOVE),
   * rolled-back ones included: it only grows, so usage measured earlier plus its growth bounds usage from above.
   */
  insertedBytes = 0;

  constructor(dataDir: string, hub: ChangeHub) {
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, DATABASE_FILE_NAME);
    this.walFile = `${file}-wal`;
    this.#connection = new DatabaseSync(file, { enableForeignKeyConstraints: true });
    this.#hub = hub;
    try {
      const { journal_mode: journalMode } = this.#connection.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string };
      // Some file systems (network mounts) cannot do WAL; SQLite then silently keeps another mode.
      if (journalMode.toLowerCase() !== 'wal') {
        throw new Error(`mail store: cannot use WAL journal mode in ${dataDir} (got ${journalMode})`);
      }
      this.#connection.exec('PRAGMA synchronous = FULL');
      this.#connection.exec('PRAGMA busy_timeout = 5000');
      migrate(this.#connection);
    } catch (error) {
      this.#connection.close();
      throw error;
    }
  }

  /** A cached prepared statement for `sql` (statements are compiled once per connection). */
  statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#connection.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  setChangeObserver(observer: ChangeObserver): void {
    this.#changeObserver = observer;
  }

  /** True inside transaction() or transactionBatch(): what is read now may not be committed yet. */
  get inTransaction(): boolean {
    return this.#connection.isTransaction;
  }

  setCommitParticipant(participant: CommitParticipant): void {
    this.#participant = participant;
  }

  /**
   * Called after a synchronous (fsync'd) transaction() commit with changes, before they are emitted: the
   * group commit makes its not-yet-synced batches durable and emits them first, so events keep commit order.
   */
  setBeforePublishingSynced(callback: () => void): void {
    this.#beforePublishingSynced = callback;
  }

  /**
   * Runs `work` in one IMMEDIATE transaction (joining the outer one when nested) and emits the changes it
   * queued after COMMIT; on error everything is rolled back and no change is emitted.
   */
  transaction<T>(work: () => T): T {
    if (this.#pendingChanges !== null) return work();
    this.#pendingChanges = [];
    let result: T;
    this.#run('BEGIN IMMEDIATE');
    try {
      result = work();
      this.#commit();
    } catch (error) {
      this.#abort(error);
      throw error;
    }
    const changes = this.#pendingChanges;
    // Cleared before emitting: a listener may start a transaction of its own.
    this.#pendingChanges = null;
    // Only events need ordering; a transaction that changed nothing visible must not wait for an fsync.
    if (changes.length > 0) this.#beforePublishingSynced?.();
    this.emitChanges(changes);
    return result;
  }

  /**
   * Runs every unit in its own SAVEPOINT (a unit alone needs none) inside ONE transaction committed WITHOUT
   * fsync (synchronous=NORMAL for this commit only): the caller must fdatasync walFile before telling anyone, and
   * emit `changes` then.
   * A unit that throws is rolled back alone (its queued changes dropped) and reported as failed; the others
   * commit. Throws only when the transaction as a whole fails (BEGIN or COMMIT): then nothing was stored.
   */
  transactionBatch<T>(units: ReadonlyArray<() => T>): BatchResult<T> {
    if (this.#pendingChanges !== null) throw new Error('mail store: transactionBatch inside a transaction');
    const changes: MailboxChange[] = [];
    const outcomes: Array<BatchOutcome<T>> = [];
    // A unit alone needs no SAVEPOINT (SQLite copies every page a savepoint changes into its sub-journal): when it
    // fails, the whole transaction is rolled back, and it held nothing else.
    const alone = units.length === 1;
    this.#run('PRAGMA synchronous = NORMAL');
    try {
      this.#pendingChanges = changes;
      this.#run('BEGIN IMMEDIATE');
      try {
        for (const unit of units) {
          const queuedBefore = changes.length;
          if (!alone) this.#run('SAVEPOINT unit');
          try {
            const value = unit();
            if (!alone) this.#run('RELEASE unit');
            outcomes.push({ ok: true, value });
          } catch (error) {
            changes.length = queuedBefore;
            this.#changeObserver?.rolledBack();
            outcomes.push({ ok: false, error });
            if (alone) break;
            // Undoes this unit only; the savepoint is then released (it stays on the stack otherwise).
            this.#connection.exec('ROLLBACK TO unit');
            this.#connection.exec('RELEASE unit');
          }
        }
        if (alone && !outcomes[0]!.ok) {
          this.#participant?.afterRollback();
          this.#connection.exec('ROLLBACK');
        } else {
          this.#commit();
        }
      } catch (error) {
        this.#abort(error);
        throw error;
      }
      this.#pendingChanges = null;
    } finally {
      this.#run('PRAGMA synchronous = FULL');
    }
    return { outcomes, changes };
  }

  /** Runs fixed SQL (BEGIN, COMMIT, SAVEPOINT...) as a cached statement: exec() would parse it on every call. */
  #run(sql: string): void {
    this.statement(sql).run();
  }

  #commit(): void {
    this.#participant?.beforeCommit();
    this.#run('COMMIT');
    this.#participant?.afterCommit();
  }

  #abort(error: unknown): void {
    this.#pendingChanges = null;
    this.#participant?.afterRollback();
    this.#changeObserver?.rolledBack();
    this.#rollbackAfter(error);
  }

  /** Emits committed changes to the mailboxes' listeners (only once they are durable). */
  emitChanges(changes: readonly MailboxChange[]): void {
    for (const change of changes) this.#hub.emit(change);
  }

  #rollbackAfter(error: unknown): void {
    if (!this.#connection.isTransaction) return;
    try {
      this.#connection.exec('ROLLBACK');
    } catch (rollbackError) {
      // Both matter: the cause of the failed transaction and why it could not be undone.
      throw new AggregateError([error, rollbackError], 'mail store: ROLLBACK failed after an error');
    }
  }

  /** Queues a change for emission after the current transaction commits. */
  queueChange(change: MailboxChange): void {
    if (this.#pendingChanges === null) throw new Error('mail store: queueChange outside a transaction');
    this.#pendingChanges.push(change);
    this.#changeObserver?.queued(change);
  }

  close(): void {
    this.#statements.clear();
    if (this.#connection.isOpen) this.#connection.close();
  }
}
