// The audit journal's layout since store schema 2: the journal_entries table inside mail.sqlite, appended in
// the delivery's own transaction; a journal.sqlite of schema 1 is imported once (hashes unchanged, so the
// chain verifies) and renamed `journal.sqlite.imported`.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyJournal } from '../../src/postoffice/journal/journal-verify.ts';
import { appendJournalEntry, JOURNAL_FILE_NAME, LEGACY_JOURNAL_FILE_NAME, MessageJournal } from '../../src/postoffice/journal/message-journal.ts';

const LEGACY_SCHEMA = `CREATE TABLE journal_entries (seq INTEGER PRIMARY KEY, time TEXT NOT NULL, envelope TEXT NOT NULL,
  raw_sha256 TEXT NOT NULL, size INTEGER NOT NULL, copies TEXT NOT NULL, previous_hash TEXT NOT NULL, entry_hash TEXT NOT NULL) STRICT`;

describe('journal layout', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-journal-layout-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lives in mail.sqlite', () => {
    expect(JOURNAL_FILE_NAME).toBe('mail.sqlite');
  });

  it('imports a journal.sqlite of schema 1 once, chain intact', () => {
    const legacy = new DatabaseSync(path.join(dataDir, LEGACY_JOURNAL_FILE_NAME));
    legacy.exec(LEGACY_SCHEMA);
    const statements = { statement: (sql: string) => legacy.prepare(sql) };
    for (let n = 1; n <= 3; n += 1) {
      const envelope = { mailFrom: `a${n}@swarm.local`, recipients: ['b@swarm.local'], port: 'submission' as const, authenticatedAs: null, disposition: 'delivered' };
      appendJournalEntry(statements, { envelope, raw: Buffer.from(`message ${n}`), copies: [] });
    }
    legacy.close();

    const journal = MessageJournal.open(dataDir);
    try {
      expect([...journal.rows()].map((row) => row.seq)).toEqual([1, 2, 3]);
      expect(verifyJournal(journal, undefined).failure).toBeUndefined();
      journal.record({ envelope: { mailFrom: 'x@swarm.local', recipients: [], port: 'internal', authenticatedAs: null, disposition: 'held' }, raw: Buffer.from('4'), copies: [] });
      expect(verifyJournal(journal, undefined)).toMatchObject({ failure: undefined, entriesChecked: 4 });
    } finally {
      journal.close();
    }
    expect(existsSync(path.join(dataDir, LEGACY_JOURNAL_FILE_NAME))).toBe(false);
    expect(existsSync(path.join(dataDir, `${LEGACY_JOURNAL_FILE_NAME}.imported`))).toBe(true);
    const reopened = MessageJournal.open(dataDir); // nothing imported twice
    expect(reopened.head().seq).toBe(4);
    reopened.close();
  });
});
