// The guard rails' own durable state: <dataDir>/guards.sqlite (node:sqlite, WAL, synchronous=FULL), kept
// apart from the mail store so the store's schema (a contract) stays untouched and the guards can be reset
// without touching mail. Holds: every screened agent message (hop, thread, body hash, day, outcome), the
// per-agent send-rate buckets, token usage per agent/day and per agent/thread/day, paused agents, and held
// messages (raw bytes + envelope) until a human approves them. Every query the SMTP path runs is an indexed
// point or range lookup; rows older than the retention are pruned at most once per hour.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

export const GUARD_DATABASE_FILE = 'guards.sqlite';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS agent_messages (
  message_id TEXT PRIMARY KEY,
  agent TEXT NOT NULL,
  thread TEXT NOT NULL,
  hop INTEGER NOT NULL,
  body_hash TEXT NOT NULL,
  day TEXT NOT NULL,
  submitted_at INTEGER NOT NULL,
  -- 'delivered' | 'held' | 'released': only delivered and released mail count against the budgets.
  outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS agent_messages_thread ON agent_messages (agent, thread, day);
CREATE INDEX IF NOT EXISTS agent_messages_body ON agent_messages (agent, body_hash, submitted_at);
CREATE INDEX IF NOT EXISTS agent_messages_age ON agent_messages (submitted_at);
CREATE TABLE IF NOT EXISTS send_buckets (
  agent TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS token_usage (
  agent TEXT NOT NULL,
  day TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  PRIMARY KEY (agent, day)
);
CREATE INDEX IF NOT EXISTS token_usage_day ON token_usage (day);
CREATE TABLE IF NOT EXISTS thread_token_usage (
  agent TEXT NOT NULL,
  thread TEXT NOT NULL,
  day TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  PRIMARY KEY (agent, thread, day)
);
CREATE INDEX IF NOT EXISTS thread_token_usage_thread ON thread_token_usage (thread, day);
CREATE TABLE IF NOT EXISTS paused_agents (
  agent TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  paused_by TEXT NOT NULL,
  paused_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS held_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  agent TEXT NOT NULL,
  thread TEXT NOT NULL,
  message_id TEXT,
  hop INTEGER NOT NULL,
  rule TEXT NOT NULL,
  reason TEXT NOT NULL,
  mail_from TEXT NOT NULL,
  recipients TEXT NOT NULL,
  raw BLOB NOT NULL,
  held_at INTEGER NOT NULL,
  agent_notified INTEGER NOT NULL,
  released_at INTEGER,
  released_by TEXT
);
CREATE INDEX IF NOT EXISTS held_messages_notice ON held_messages (agent, thread, rule, held_at);
CREATE INDEX IF NOT EXISTS held_messages_pending ON held_messages (released_at);
CREATE INDEX IF NOT EXISTS held_messages_message_id ON held_messages (message_id);
`;

export class GuardDatabase {
  readonly #connection: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.#connection = new DatabaseSync(path.join(dataDir, GUARD_DATABASE_FILE));
    try {
      const { journal_mode: journalMode } = this.#connection.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string };
      if (journalMode.toLowerCase() !== 'wal') throw new Error(`guard rails: cannot use WAL journal mode in ${dataDir} (got ${journalMode})`);
      // Held mail was answered 250: it must survive a crash exactly like delivered mail.
      this.#connection.exec('PRAGMA synchronous = FULL');
      this.#connection.exec('PRAGMA busy_timeout = 5000');
      const { user_version: version } = this.#connection.prepare('PRAGMA user_version').get() as { user_version: number };
      if (version > SCHEMA_VERSION) throw new Error(`guard rails: ${GUARD_DATABASE_FILE} has schema version ${version}, newer than this mailswarm (${SCHEMA_VERSION})`);
      this.#connection.exec(SCHEMA);
      this.#connection.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    } catch (error) {
      this.#connection.close();
      throw error;
    }
  }

  /** A cached prepared statement. */
  statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#connection.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `work` in one IMMEDIATE transaction (joins an outer one). */
  transaction<T>(work: () => T): T {
    if (this.#connection.isTransaction) return work();
    this.#connection.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#connection.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.#connection.isTransaction) this.#connection.exec('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    this.#statements.clear();
    if (this.#connection.isOpen) this.#connection.close();
  }
}
