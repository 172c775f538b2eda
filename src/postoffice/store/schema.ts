// The SQLite schema of the mail store and its migrations, versioned with `PRAGMA user_version`.
// Also holds the audit journal's table (`journal_entries`, version 2).
// Raw messages live in `bodies`, shared by every copy (COPY, multi-recipient delivery) so a 25 MiB message
// delivered to ten agents is stored once. Indexes keep the SMTP → store → IDLE path free of table scans.
import type { DatabaseSync } from 'node:sqlite';

/** Each entry migrates from version `index` to `index + 1`; append only, never edit a released step. */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE store_meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE accounts (
    address TEXT PRIMARY KEY
  ) WITHOUT ROWID;

  CREATE TABLE mailboxes (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL REFERENCES accounts(address) ON DELETE CASCADE,
    name TEXT NOT NULL,
    uid_validity INTEGER NOT NULL,
    uid_next INTEGER NOT NULL,
    highest_modseq INTEGER NOT NULL,
    special_use TEXT,
    first_recent_uid INTEGER NOT NULL,
    UNIQUE (account, name)
  );

  CREATE TABLE subscriptions (
    account TEXT NOT NULL REFERENCES accounts(address) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (account, name)
  ) WITHOUT ROWID;

  CREATE TABLE bodies (
    id INTEGER PRIMARY KEY,
    raw BLOB NOT NULL
  );

  CREATE TABLE messages (
    mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    uid INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    flags TEXT NOT NULL,
    seen INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    internal_date INTEGER NOT NULL,
    size INTEGER NOT NULL,
    message_id TEXT,
    body_id INTEGER NOT NULL REFERENCES bodies(id),
    PRIMARY KEY (mailbox_id, uid)
  ) WITHOUT ROWID;

  CREATE INDEX messages_unseen ON messages (mailbox_id, seen);
  CREATE INDEX messages_deleted ON messages (mailbox_id, deleted);
  CREATE INDEX messages_message_id ON messages (message_id) WHERE message_id IS NOT NULL;
  CREATE INDEX messages_body ON messages (body_id);
  `,
  // The audit journal (journal/message-journal.ts) lives in the same file since version 2, so an entry
  // commits in the same transaction (one fsync) as the delivery it records.
  `
  CREATE TABLE journal_entries (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    envelope TEXT NOT NULL,
    raw_sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    copies TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL
  ) STRICT;
  `,
  // Version 3: the UIDs of expunged messages with the MODSEQ of their expunge (RFC 7162 §3.2: QRESYNC's
  // VANISHED (EARLIER)). Expunges from before this version were not recorded: `expunge_history_from` says
  // from which MODSEQ on the record is complete; a client asking about older changes gets every missing UID.
  `
  CREATE TABLE expunged_messages (
    mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    uid INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    PRIMARY KEY (mailbox_id, uid)
  ) WITHOUT ROWID;
  CREATE INDEX expunged_messages_modseq ON expunged_messages (mailbox_id, modseq);
  ALTER TABLE mailboxes ADD COLUMN expunge_history_from INTEGER NOT NULL DEFAULT 0;
  UPDATE mailboxes SET expunge_history_from = highest_modseq;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to SCHEMA_VERSION, each step in its own transaction. */
export function migrate(database: DatabaseSync): void {
  const { user_version: current } = database.prepare('PRAGMA user_version').get() as { user_version: number };
  if (current > SCHEMA_VERSION) {
    throw new Error(`mail store schema version ${current} is newer than this program (${SCHEMA_VERSION})`);
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    database.exec('BEGIN IMMEDIATE');
    try {
      database.exec(MIGRATIONS[version]!);
      database.exec(`PRAGMA user_version = ${version + 1}`);
      database.exec('COMMIT');
    } catch (error) {
      database.exec('ROLLBACK');
      throw error;
    }
  }
}
