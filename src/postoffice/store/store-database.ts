// The SQLite connection of the mail store: durable settings (WAL + synchronous=FULL, so a committed
// transaction survives kill -9 and power loss), a prepared-statement cache, and transactions that
// publish their change events only after COMMIT (RFC 3501 §7.4: clients must never see uncommitted state).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { ChangeHub } from './change-hub.ts';
import { migrate } from './schema.ts';
import type { MailboxChange } from './store-types.ts';

export const DATABASE_FILE_NAME = 'mail.sqlite';

export class StoreDatabase {
  readonly #connection: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  readonly #hub: ChangeHub;
  #pendingChanges: MailboxChange[] | null = null;

  constructor(dataDir: string, hub: ChangeHub) {
    mkdirSync(dataDir, { recursive: true });
    this.#connection = new DatabaseSync(path.join(dataDir, DATABASE_FILE_NAME), { enableForeignKeyConstraints: true });
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

  /**
   * Runs `work` in one IMMEDIATE transaction (joining the outer one when nested) and emits the changes it
   * queued after COMMIT; on error everything is rolled back and no change is emitted.
   */
  transaction<T>(work: () => T): T {
    if (this.#pendingChanges !== null) return work();
    this.#pendingChanges = [];
    let result: T;
    this.#connection.exec('BEGIN IMMEDIATE');
    try {
      result = work();
      this.#connection.exec('COMMIT');
    } catch (error) {
      this.#pendingChanges = null;
      this.#rollbackAfter(error);
      throw error;
    }
    const changes = this.#pendingChanges;
    // Cleared before emitting: a listener may start a transaction of its own.
    this.#pendingChanges = null;
    for (const change of changes) this.#hub.emit(change);
    return result;
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
  }

  close(): void {
    this.#statements.clear();
    if (this.#connection.isOpen) this.#connection.close();
  }
}
