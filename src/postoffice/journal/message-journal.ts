// The audit journal: an append-only, hash-chained record of every message the post office accepts
// (journal-entry.ts). Stored as the `journal_entries` table of the mail store's own file
// `<dataDir>/mail.sqlite` (WAL + synchronous=FULL; the table is part of the store's schema, store/schema.ts):
// - a delivery's entry is appended INSIDE the delivery's transaction (appendJournalEntry, run as the
//   store's DeliveryHook), so the message and its entry are durable together, with one fsync, before the
//   SMTP 250 (RFC 5321 §6.1); kill -9 leaves both or neither, never a torn entry;
// - entries without a stored copy (held mail) are appended by record() in a transaction of their own;
// - `mailswarm audit verify` can read it while the post office runs (WAL readers do not block the writer);
// - retention (prune()) removes the oldest entries and appends a checkpoint entry recording the hash of the
//   last one removed, so the remaining chain stays verifiable (journal-entry.ts JournalCheckpoint).
// Until version 2 of the store schema the journal was a file of its own (`journal.sqlite`): open() moves
// its entries into mail.sqlite once (hashes unchanged) and renames the old file `journal.sqlite.imported`.
// Fields are stored as they were hashed (canonical JSON), so verification re-hashes exactly those bytes.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { migrate } from '../store/schema.ts';
import { DATABASE_FILE_NAME } from '../store/store-database.ts';
import type { TransactionStatements } from '../store/store-types.ts';
import {
  canonicalJson, CHECKPOINT_DISPOSITION, entryHash, GENESIS_HASH, sha256Hex, type JournalCopy, type JournalEntry, type JournalEnvelope,
} from './journal-entry.ts';

/** The file that holds the journal (the mail store's database). */
export const JOURNAL_FILE_NAME = DATABASE_FILE_NAME;
/** The separate journal file of schema version 1, imported by open(). */
export const LEGACY_JOURNAL_FILE_NAME = 'journal.sqlite';

const SELECT_LAST = 'SELECT seq, entry_hash FROM journal_entries ORDER BY seq DESC LIMIT 1';
const INSERT_ENTRY =
  'INSERT INTO journal_entries (seq, time, envelope, raw_sha256, size, copies, previous_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';

export interface JournalRecordInput {
  envelope: JournalEnvelope;
  /** The exact bytes that were stored. */
  raw: Buffer;
  copies: JournalCopy[];
  /** Time of acceptance; defaults to now. */
  time?: Date;
}

/** What one prune() removed, and the checkpoint entry that now vouches for it. */
export interface JournalPruning {
  prunedEntries: number;
  checkpoint: JournalEntry;
}

/** A row exactly as stored (envelope and copies as their canonical JSON text), for verification. */
export interface StoredJournalRow {
  seq: number;
  time: string;
  envelopeJson: string;
  rawSha256: string;
  size: number;
  copiesJson: string;
  previousHash: string;
  hash: string;
}

/**
 * Appends one entry through `database` (a connection to mail.sqlite); must run inside a transaction there,
 * which makes the entry durable together with whatever else that transaction stores.
 */
export function appendJournalEntry(database: TransactionStatements, input: JournalRecordInput): JournalEntry {
  const last = database.statement(SELECT_LAST).get() as { seq: number; entry_hash: string } | undefined;
  const fields = {
    seq: (last?.seq ?? 0) + 1,
    time: (input.time ?? new Date()).toISOString(),
    envelope: normalizeEnvelope(input.envelope),
    rawSha256: sha256Hex(input.raw),
    size: input.raw.length,
    copies: input.copies.map((copy) => ({ ...copy })),
    previousHash: last?.entry_hash ?? GENESIS_HASH,
  };
  const entry: JournalEntry = { ...fields, hash: entryHash(fields) };
  database
    .statement(INSERT_ENTRY)
    .run(entry.seq, entry.time, canonicalJson(entry.envelope), entry.rawSha256, entry.size, canonicalJson(entry.copies), entry.previousHash, entry.hash);
  return entry;
}

export class MessageJournal {
  readonly file: string;
  readonly #database: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  private constructor(file: string, database: DatabaseSync) {
    this.file = file;
    this.#database = database;
  }

  /** Opens the journal in `<dataDir>/mail.sqlite` (creating the schema when needed, importing journal.sqlite). */
  static open(dataDir: string): MessageJournal {
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, JOURNAL_FILE_NAME);
    const database = new DatabaseSync(file, { enableForeignKeyConstraints: true });
    try {
      const { journal_mode: mode } = database.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string };
      if (mode.toLowerCase() !== 'wal') throw new Error(`audit journal: cannot use WAL journal mode for ${file} (got ${mode})`);
      database.exec('PRAGMA synchronous = FULL');
      database.exec('PRAGMA busy_timeout = 5000');
      migrate(database);
      importLegacyJournal(database, dataDir);
    } catch (error) {
      database.close();
      throw error;
    }
    return new MessageJournal(file, database);
  }

  statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#database.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Appends one entry in a transaction of its own, durably; returns it. For messages accepted without a
   * stored copy (held mail); deliveries append through appendJournalEntry inside their own transaction.
   */
  record(input: JournalRecordInput): JournalEntry {
    const database = this.#database;
    database.exec('BEGIN IMMEDIATE');
    try {
      const entry = appendJournalEntry(this, input);
      database.exec('COMMIT');
      return entry;
    } catch (error) {
      if (database.isTransaction) database.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * Removes the oldest entries accepted before `cutoff` (the longest such run from the start: an entry is
   * never removed while an older-numbered one stays) and, in the same transaction, appends a checkpoint
   * entry with the hash of the last one removed. Returns undefined when nothing was old enough.
   */
  prune(cutoff: Date, now: Date = new Date()): JournalPruning | undefined {
    const database = this.#database;
    database.exec('BEGIN IMMEDIATE');
    try {
      const pruning = this.#pruneInTransaction(cutoff, now);
      database.exec('COMMIT');
      return pruning;
    } catch (error) {
      if (database.isTransaction) database.exec('ROLLBACK');
      throw error;
    }
  }

  #pruneInTransaction(cutoff: Date, now: Date): JournalPruning | undefined {
    const bounds = this.statement('SELECT MIN(seq) AS first, MAX(seq) AS last FROM journal_entries').get() as { first: number | null; last: number | null };
    if (bounds.first === null || bounds.last === null) return undefined;
    const kept = this.statement('SELECT MIN(seq) AS seq FROM journal_entries WHERE time >= ?').get(cutoff.toISOString()) as { seq: number | null };
    const through = kept.seq === null ? bounds.last : kept.seq - 1;
    if (through < bounds.first) return undefined;
    const { entry_hash: throughHash } = this.statement('SELECT entry_hash FROM journal_entries WHERE seq = ?').get(through) as { entry_hash: string };
    // The checkpoint goes on top first: it must chain to the current head, which may be among the pruned.
    const checkpoint = appendJournalEntry(this, {
      envelope: {
        mailFrom: '',
        recipients: [],
        port: 'internal',
        authenticatedAs: null,
        disposition: CHECKPOINT_DISPOSITION,
        checkpoint: { prunedThroughSeq: through, prunedThroughHash: throughHash, prunedEntries: through - bounds.first + 1, cutoff: cutoff.toISOString() },
      },
      raw: Buffer.alloc(0),
      copies: [],
      time: now,
    });
    const removed = this.statement('DELETE FROM journal_entries WHERE seq <= ?').run(through);
    return { prunedEntries: Number(removed.changes), checkpoint };
  }

  /** Every stored row in seq order, as stored (verification parses and re-hashes them). */
  *rows(): Generator<StoredJournalRow> {
    const statement = this.#database.prepare('SELECT seq, time, envelope, raw_sha256, size, copies, previous_hash, entry_hash FROM journal_entries ORDER BY seq');
    for (const row of statement.iterate() as Iterable<Record<string, unknown>>) {
      yield {
        seq: Number(row.seq),
        time: String(row.time),
        envelopeJson: String(row.envelope),
        rawSha256: String(row.raw_sha256),
        size: Number(row.size),
        copiesJson: String(row.copies),
        previousHash: String(row.previous_hash),
        hash: String(row.entry_hash),
      };
    }
  }

  /** The newest entry's hash (the value an operator can write down to anchor the chain), or the genesis hash. */
  head(): { seq: number; hash: string } {
    const last = this.statement(SELECT_LAST).get() as { seq: number; entry_hash: string } | undefined;
    return last === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: last.seq, hash: last.entry_hash };
  }

  close(): void {
    this.#statements.clear();
    if (this.#database.isOpen) this.#database.close();
  }
}

/**
 * Moves the entries of a schema-1 `journal.sqlite` into mail.sqlite (only into an empty table, so the chain
 * stays one chain), then renames the old file so it is imported exactly once and never mistaken for live.
 */
function importLegacyJournal(database: DatabaseSync, dataDir: string): void {
  const legacyFile = path.join(dataDir, LEGACY_JOURNAL_FILE_NAME);
  if (!existsSync(legacyFile)) return;
  const { count } = database.prepare('SELECT COUNT(*) AS count FROM journal_entries').get() as { count: number };
  if (count > 0) {
    throw new Error(`audit journal: both ${legacyFile} and entries in ${DATABASE_FILE_NAME} exist; move one away (the chains cannot be merged)`);
  }
  database.prepare('ATTACH DATABASE ? AS legacy').run(legacyFile);
  try {
    database.exec('BEGIN IMMEDIATE');
    try {
      database.exec(
        'INSERT INTO main.journal_entries (seq, time, envelope, raw_sha256, size, copies, previous_hash, entry_hash) ' +
          'SELECT seq, time, envelope, raw_sha256, size, copies, previous_hash, entry_hash FROM legacy.journal_entries ORDER BY seq',
      );
      database.exec('COMMIT');
    } catch (error) {
      if (database.isTransaction) database.exec('ROLLBACK');
      throw error;
    }
  } finally {
    database.exec('DETACH DATABASE legacy');
  }
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(legacyFile + suffix)) renameSync(legacyFile + suffix, `${legacyFile}.imported${suffix}`);
  }
}

function normalizeEnvelope(envelope: JournalEnvelope): JournalEnvelope {
  return {
    mailFrom: envelope.mailFrom.toLowerCase(),
    recipients: [...envelope.recipients],
    port: envelope.port,
    authenticatedAs: envelope.authenticatedAs,
    disposition: envelope.disposition,
    ...(envelope.checkpoint === undefined ? {} : { checkpoint: { ...envelope.checkpoint } }),
  };
}
