// Retention (issue 13): Journal folders, audit-journal entries and held-message records are kept
// `retention.*Days` (default 90). Pruning the oldest entries appends a checkpoint entry, so the rest of the
// hash chain still verifies, while deleting entries without one, or tampering with a checkpoint, is caught.
// Through the running post office: old Journal copies are expunged, `mailswarm audit verify` passes and
// says what was pruned, and an APPROVE of a pruned held message is answered "no longer kept".
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.ts';
import { verifyJournal } from '../../src/postoffice/journal/journal-verify.ts';
import { JOURNAL_FILE_NAME, MessageJournal } from '../../src/postoffice/journal/message-journal.ts';
import { runCli } from '../cli/run-cli.ts';
import { DOMAIN, headerOf, mailboxMessages, startGuardFixture, submitAs, type GuardFixture } from './guardrails-fixture.ts';
import { startGuardrailOffice } from './lists-post-office-fixture.ts';

const DAY_MS = 24 * 60 * 60_000;
const start = Date.UTC(2026, 0, 1);
const envelope = (day: number) => ({ mailFrom: `a${day}@swarm.local`, recipients: [`b${day}@swarm.local`], port: 'submission' as const, authenticatedAs: null, disposition: 'delivered' });

describe('retention settings', () => {
  it('keep Journal folders, audit entries and held records 90 days by default; 0 keeps them forever', () => {
    expect(configSchema.parse({}).retention).toEqual({ journalDays: 90, heldDays: 90, expungeHistory: 10_000 });
    expect(configSchema.parse({ retention: { journalDays: 0 } }).retention).toEqual({ journalDays: 0, heldDays: 90, expungeHistory: 10_000 });
    expect(() => configSchema.parse({ retention: { journalDays: -1 } })).toThrow();
  });
});

describe('pruning the audit journal', () => {
  let dataDir: string;
  let journal: MessageJournal;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-retention-'));
    journal = MessageJournal.open(dataDir);
  });
  afterEach(() => {
    journal.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** One entry per day from `first` to `last` (days after 2026-01-01). */
  function fill(first: number, last: number): void {
    for (let day = first; day <= last; day += 1) journal.record({ envelope: envelope(day), raw: Buffer.from(`message of day ${day}`), copies: [], time: new Date(start + day * DAY_MS) });
  }

  function sql(statement: string, ...values: Array<string | number>): void {
    const database = new DatabaseSync(path.join(dataDir, JOURNAL_FILE_NAME));
    try {
      database.prepare(statement).run(...values);
    } finally {
      database.close();
    }
  }

  it('replaces the oldest entries by a checkpoint; the chain still verifies, again after a second pruning', () => {
    fill(0, 9);
    const headBefore = journal.head();
    const first = journal.prune(new Date(start + 4 * DAY_MS), new Date(start + 20 * DAY_MS))!;
    expect(first.prunedEntries).toBe(4);
    expect(first.checkpoint.seq).toBe(11);
    expect(first.checkpoint.previousHash).toBe(headBefore.hash);
    expect(first.checkpoint.envelope.checkpoint).toMatchObject({ prunedThroughSeq: 4, prunedEntries: 4 });
    expect([...journal.rows()].map((row) => row.seq)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    let verification = verifyJournal(journal, undefined);
    expect(verification.failure).toBeUndefined();
    expect(verification.prunedThrough).toMatchObject({ seq: 4, checkpointSeq: 11 });
    expect(verification.entriesChecked).toBe(7);
    expect(verification.head).toEqual(journal.head());

    // Nothing older than the cutoff left: no second checkpoint.
    expect(journal.prune(new Date(start + 4 * DAY_MS), new Date(start + 21 * DAY_MS))).toBeUndefined();

    fill(30, 31);
    // The next pruning also removes the first checkpoint; the newest one vouches for everything before.
    const second = journal.prune(new Date(start + 25 * DAY_MS), new Date(start + 40 * DAY_MS))!;
    expect(second.prunedEntries).toBe(7);
    expect([...journal.rows()].map((row) => row.seq)).toEqual([12, 13, 14]);
    verification = verifyJournal(journal, undefined);
    expect(verification.failure).toBeUndefined();
    expect(verification.prunedThrough).toMatchObject({ seq: 11, checkpointSeq: 14 });

    // Pruning everything leaves the checkpoint alone, chained to the old head; new entries chain to it.
    const all = journal.prune(new Date(start + 100 * DAY_MS), new Date(start + 100 * DAY_MS))!;
    expect([...journal.rows()].map((row) => row.seq)).toEqual([15]);
    fill(101, 101);
    verification = verifyJournal(journal, undefined);
    expect(verification.failure).toBeUndefined();
    expect(verification.prunedThrough).toMatchObject({ seq: 14, checkpointSeq: all.checkpoint.seq });
    expect(verification.head.seq).toBe(16);
  });

  it('names entries deleted without a checkpoint or beyond it, and an altered checkpoint', () => {
    fill(0, 5);
    sql('DELETE FROM journal_entries WHERE seq <= 2');
    expect(verifyJournal(journal, undefined).failure).toMatchObject({ seq: 3, problem: expect.stringContaining('entries 1 to 2 are missing and no checkpoint') });

    journal.close();
    rmSync(dataDir, { recursive: true, force: true });
    journal = MessageJournal.open(dataDir);
    fill(0, 5);
    const { checkpoint } = journal.prune(new Date(start + 3 * DAY_MS), new Date(start + 10 * DAY_MS))!;
    expect(verifyJournal(journal, undefined).failure).toBeUndefined();

    // One more old entry removed by hand: the checkpoint no longer matches the start of the chain.
    sql('DELETE FROM journal_entries WHERE seq = 4');
    expect(verifyJournal(journal, undefined).failure?.problem).toContain('entries 1 to 4 are missing and no checkpoint');

    // A checkpoint rewritten to cover that gap no longer hashes to what the chain recorded.
    const row = [...journal.rows()].find((candidate) => candidate.seq === checkpoint.seq)!;
    sql('UPDATE journal_entries SET envelope = ? WHERE seq = ?', row.envelopeJson.replace('"prunedThroughSeq":3', '"prunedThroughSeq":4'), checkpoint.seq);
    expect(verifyJournal(journal, undefined).failure).toMatchObject({ seq: checkpoint.seq, problem: expect.stringContaining('entry hash differs') });
  });
});

describe('retention in the running post office', () => {
  it('expunges old Journal copies and prunes the audit journal; audit verify still passes and says so', async () => {
    const office = await startGuardrailOffice();
    try {
      await office.submit('alice', { to: [`builder@${DOMAIN}`], subject: 'Old news', text: 'from long ago' });
      await office.submit('builder', { to: [`reviewer@${DOMAIN}`], subject: 'Also old', text: 'also long ago' });
      expect(office.messages('alice', 'Journal')).toHaveLength(2);
      const later = new Date(Date.now() + 91 * DAY_MS);
      const report = office.postOffice.retention.runNow(later);
      expect(report).toMatchObject({ journalFolderCopies: 4, journalEntries: 2, checkpointSeq: 3 });
      for (const human of ['alice', 'bob']) expect(office.messages(human, 'Journal')).toEqual([]);
      // The recipients' own copies are theirs to keep.
      expect(office.messages('builder')).toHaveLength(1);
      // Within 90 days nothing goes.
      await office.submit('alice', { to: [`bob@${DOMAIN}`], subject: 'Fresh', text: 'recent' });
      expect(office.postOffice.retention.runNow(new Date(Date.now() + 89 * DAY_MS))).toMatchObject({ journalFolderCopies: 0, journalEntries: 0 });
      await office.postOffice.close();
      const verify = runCli(['audit', 'verify', '--data', office.dataDir], { cwd: office.dataDir });
      expect(verify.stdout).toContain('intact');
      expect(verify.stdout).toContain('entries 1 to 2 pruned by retention (checkpoint entry 3');
      expect(verify.status).toBe(0);
    } finally {
      await office.close();
    }
  });
});

describe('retention of held messages', () => {
  let fixture: GuardFixture;
  beforeEach(async () => {
    fixture = await startGuardFixture();
  });
  afterEach(async () => {
    await fixture.close();
  });

  it('forgets a held record after heldDays; an APPROVE of its note is answered, nothing delivered', async () => {
    const alice = `alice@${DOMAIN}`;
    const alpha = `alpha@${DOMAIN}`;
    await submitAs(fixture, alice, { to: [alpha], text: 'STOP', messageId: 'stop-retention@swarm.local' });
    expect(await submitAs(fixture, alpha, { to: [`bob@${DOMAIN}`], text: 'held for too long', messageId: 'held-old@swarm.local' })).toMatch(/held for moderation/);
    expect(fixture.postOffice.guards.status().heldCount).toBe(1);
    expect(fixture.postOffice.retention.runNow(new Date(Date.now() + 30 * DAY_MS)).heldRecords).toBe(0);
    expect(fixture.postOffice.retention.runNow(new Date(Date.now() + 91 * DAY_MS)).heldRecords).toBe(1);
    expect(fixture.postOffice.guards.status().heldCount).toBe(0);

    const [note] = mailboxMessages(fixture, alice, 'Held');
    const noteId = headerOf(note!, 'Message-ID')!.slice(1, -1);
    const reply = await submitAs(fixture, alice, { to: [`postmaster@${DOMAIN}`], text: 'APPROVE', messageId: 'approve-old@swarm.local', inReplyTo: noteId });
    expect(reply).toMatch(/APPROVE: held message \d+ is no longer kept/);
    expect(mailboxMessages(fixture, `bob@${DOMAIN}`).some((raw) => raw.includes('held for too long'))).toBe(false);
    expect(mailboxMessages(fixture, alice).some((raw) => headerOf(raw, 'Subject')?.startsWith('Done: APPROVE: held message') && raw.includes('no longer kept'))).toBe(true);
  });
});
