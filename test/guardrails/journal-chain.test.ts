// The hash chain in-process (no servers): canonical serialisation, chaining, and each kind of damage the
// verifier must name — an edited field, a re-hashed entry (broken link to the next), a deleted entry (gap),
// a non-canonical rewrite, and stored bytes that no longer match — plus durability of appends across reopen.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, sha256Hex } from '../../src/postoffice/journal/journal-entry.ts';
import { verifyJournal } from '../../src/postoffice/journal/journal-verify.ts';
import { JOURNAL_FILE_NAME, MessageJournal } from '../../src/postoffice/journal/message-journal.ts';

const envelope = (n: number) => ({ mailFrom: `a${n}@swarm.local`, recipients: [`b${n}@swarm.local`], port: 'submission' as const, authenticatedAs: `a${n}@swarm.local`, disposition: 'delivered' });

describe('journal hash chain', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-journal-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  function fill(count: number): void {
    const journal = MessageJournal.open(dataDir);
    for (let n = 1; n <= count; n += 1) journal.record({ envelope: envelope(n), raw: Buffer.from(`message ${n}`), copies: [], time: new Date(Date.UTC(2026, 0, 1, 0, n)) });
    journal.close();
  }

  function check() {
    const journal = MessageJournal.open(dataDir);
    try {
      return verifyJournal(journal, undefined);
    } finally {
      journal.close();
    }
  }

  function sql(statement: string, ...values: Array<string | number>): void {
    const database = new DatabaseSync(path.join(dataDir, JOURNAL_FILE_NAME));
    database.prepare(statement).run(...values);
    database.close();
  }

  it('serialises canonically and chains from the genesis hash, across reopening', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: null }] })).toBe('{"a":[{"c":null,"d":"x"}],"b":1}');
    fill(2);
    fill(1); // a second process run appends to the same chain
    const journal = MessageJournal.open(dataDir);
    const rows = [...journal.rows()];
    journal.close();
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3]);
    expect(rows[0]!.previousHash).toBe(GENESIS_HASH);
    expect(rows[2]!.previousHash).toBe(rows[1]!.hash);
    expect(rows[0]!.rawSha256).toBe(sha256Hex('message 1'));
    const result = check();
    expect(result.failure).toBeUndefined();
    expect(result.entriesChecked).toBe(3);
    expect(result.head).toEqual({ seq: 3, hash: rows[2]!.hash });
  });

  it('names an edited field, a gap, and a non-canonical rewrite', () => {
    fill(4);
    sql("UPDATE journal_entries SET time = '2030-01-01T00:00:00.000Z' WHERE seq = 3");
    expect(check().failure).toMatchObject({ seq: 3, time: '2030-01-01T00:00:00.000Z', problem: expect.stringContaining('entry hash differs') });
    sql("UPDATE journal_entries SET time = '2026-01-01T00:03:00.000Z' WHERE seq = 3");
    expect(check().failure).toBeUndefined();

    sql('UPDATE journal_entries SET raw_sha256 = ? WHERE seq = 2', sha256Hex('another message'));
    expect(check().failure).toMatchObject({ seq: 2, problem: expect.stringContaining('entry hash differs') });
    sql('UPDATE journal_entries SET raw_sha256 = ? WHERE seq = 2', sha256Hex('message 2'));

    sql('UPDATE journal_entries SET envelope = ? WHERE seq = 4', JSON.stringify(envelope(4), null, 1));
    expect(check().failure).toMatchObject({ seq: 4, problem: expect.stringContaining('canonical form') });
    sql('UPDATE journal_entries SET envelope = ? WHERE seq = 4', canonicalJson(envelope(4)));
    expect(check().failure).toBeUndefined();

    sql('DELETE FROM journal_entries WHERE seq = 2');
    expect(check().failure).toMatchObject({ seq: 2, problem: expect.stringContaining('entry 2 is missing') });
  });

  it('re-hashes the stored copies it can still find', () => {
    const journal = MessageJournal.open(dataDir);
    journal.record({ envelope: envelope(1), raw: Buffer.from('original'), copies: [{ account: 'b1@swarm.local', mailbox: 'INBOX', mailboxId: 7, uidValidity: 42, uid: 1 }] });
    const store = (raw: string | undefined, uidValidity = 42) => ({
      getMailboxById: (id: number) => (id === 7 ? ({ id, uidValidity } as never) : undefined),
      getRaw: () => (raw === undefined ? undefined : Buffer.from(raw)),
    });
    expect(verifyJournal(journal, store('original'))).toMatchObject({ copiesChecked: 1, copiesGone: 0, failure: undefined });
    expect(verifyJournal(journal, store(undefined))).toMatchObject({ copiesChecked: 0, copiesGone: 1, failure: undefined });
    expect(verifyJournal(journal, store('tampered', 43))).toMatchObject({ copiesGone: 1, failure: undefined }); // recreated mailbox: not the same copy
    expect(verifyJournal(journal, store('tampered')).failure).toMatchObject({ seq: 1, problem: expect.stringContaining('stored message bytes of b1@swarm.local/INBOX uid 1 differ') });
    journal.close();
  });
});
