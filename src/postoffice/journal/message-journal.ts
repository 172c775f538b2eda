// The audit journal: an append-only, hash-chained record of every message the post office accepts
// (journal-entry.ts). Stored in its own SQLite file `<dataDir>/journal.sqlite`, WAL + synchronous=FULL:
// - the same durability discipline as the mail store: an append is durable when record() returns, and the
//   SMTP servers call it before they answer 250 (RFC 5321 §6.1);
// - an append is one transaction: kill -9 leaves either the whole entry or none, never a torn line (a
//   JSON-lines file would need its own torn-tail recovery and directory fsyncs to promise the same);
// - `mailswarm audit verify` can read it while the post office runs (WAL readers do not block the writer);
// - a separate file from mail.sqlite, so the mail store's schema and the journal evolve independently,
//   and the journal can be copied away (or made append-only by the operator) on its own.
// Fields are stored as they were hashed (canonical JSON), so verification re-hashes exactly those bytes.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { canonicalJson, entryHash, GENESIS_HASH, sha256Hex, type JournalCopy, type JournalEntry, type JournalEnvelope } from './journal-entry.ts';

export const JOURNAL_FILE_NAME = 'journal.sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS journal_entries (
  seq INTEGER PRIMARY KEY,
  time TEXT NOT NULL,
  envelope TEXT NOT NULL,
  raw_sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  copies TEXT NOT NULL,
  previous_hash TEXT NOT NULL,
  entry_hash TEXT NOT NULL
) STRICT;
`;

export interface JournalRecordInput {
  envelope: JournalEnvelope;
  /** The exact bytes that were stored. */
  raw: Buffer;
  copies: JournalCopy[];
  /** Time of acceptance; defaults to now. */
  time?: Date;
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

export class MessageJournal {
  readonly file: string;
  readonly #database: DatabaseSync;
  readonly #selectLast: StatementSync;
  readonly #insert: StatementSync;

  private constructor(file: string, database: DatabaseSync) {
    this.file = file;
    this.#database = database;
    this.#selectLast = database.prepare('SELECT seq, entry_hash FROM journal_entries ORDER BY seq DESC LIMIT 1');
    this.#insert = database.prepare(
      'INSERT INTO journal_entries (seq, time, envelope, raw_sha256, size, copies, previous_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Opens (creating when needed) `<dataDir>/journal.sqlite`. */
  static open(dataDir: string): MessageJournal {
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, JOURNAL_FILE_NAME);
    const database = new DatabaseSync(file);
    try {
      const { journal_mode: mode } = database.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string };
      if (mode.toLowerCase() !== 'wal') throw new Error(`audit journal: cannot use WAL journal mode for ${file} (got ${mode})`);
      database.exec('PRAGMA synchronous = FULL');
      database.exec('PRAGMA busy_timeout = 5000');
      database.exec(SCHEMA);
    } catch (error) {
      database.close();
      throw error;
    }
    return new MessageJournal(file, database);
  }

  /** Appends one entry, durably; returns it. Call before the SMTP 250 for every stored message. */
  record(input: JournalRecordInput): JournalEntry {
    const database = this.#database;
    database.exec('BEGIN IMMEDIATE');
    try {
      const last = this.#selectLast.get() as { seq: number; entry_hash: string } | undefined;
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
      this.#insert.run(entry.seq, entry.time, canonicalJson(entry.envelope), entry.rawSha256, entry.size, canonicalJson(entry.copies), entry.previousHash, entry.hash);
      database.exec('COMMIT');
      return entry;
    } catch (error) {
      if (database.isTransaction) database.exec('ROLLBACK');
      throw error;
    }
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
    const last = this.#selectLast.get() as { seq: number; entry_hash: string } | undefined;
    return last === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: last.seq, hash: last.entry_hash };
  }

  close(): void {
    if (this.#database.isOpen) this.#database.close();
  }
}

function normalizeEnvelope(envelope: JournalEnvelope): JournalEnvelope {
  return {
    mailFrom: envelope.mailFrom.toLowerCase(),
    recipients: [...envelope.recipients],
    port: envelope.port,
    authenticatedAs: envelope.authenticatedAs,
    disposition: envelope.disposition,
  };
}
