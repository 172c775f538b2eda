// Group commit for deliveries (the SMTP 250 promise of RFC 5321 §6.1 at a lower price): deliveries queued
// within one event-loop turn run together on setImmediate in ONE transaction, each in its own SAVEPOINT
// (StoreDatabase.transactionBatch), so eight concurrent senders pay one fsync instead of eight. Each
// caller's promise settles only after the COMMIT that made ITS delivery durable, or with ITS own error:
// one failing delivery never fails the others. Should the shared transaction fail as a whole (COMMIT
// itself), every unit is retried in a transaction of its own, so one bad unit cannot sink the group.
import type { StoreDatabase } from './store-database.ts';

interface QueuedUnit {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  readonly #database: StoreDatabase;
  #queue: QueuedUnit[] = [];
  #scheduled = false;

  constructor(database: StoreDatabase) {
    this.#database = database;
  }

  /** Runs `work` (synchronous store writes) in the next group transaction; resolves after its COMMIT. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Runs whatever is queued now (also used at close, so no queued delivery is left unanswered). */
  flushNow(): void {
    if (this.#queue.length > 0) this.#flush();
  }

  #flush(): void {
    this.#scheduled = false;
    const units = this.#queue;
    this.#queue = [];
    if (units.length === 0) return;
    if (units.length === 1) {
      this.#runAlone(units[0]!);
      return;
    }
    let outcomes;
    try {
      outcomes = this.#database.transactionBatch(units.map((unit) => unit.work));
    } catch {
      // The shared transaction failed as a whole and stored nothing: each unit gets its own chance, and
      // its own error (the batch error is reproduced by the unit that causes it).
      for (const unit of units) this.#runAlone(unit);
      return;
    }
    outcomes.forEach((outcome, index) => {
      const unit = units[index]!;
      if (outcome.ok) unit.resolve(outcome.value);
      else unit.reject(outcome.error);
    });
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
}
