// The audit journal (issue 7 acceptance 4): every accepted message is journaled, hash-chained; the real
// `mailswarm audit verify` proves the chain intact (exit 0) and names the first broken entry (exit 1) when
// an entry or a stored message's bytes were tampered with in the SQLite files.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_FILE_NAME } from '../../src/postoffice/journal/message-journal.ts';
import { runCli } from '../cli/run-cli.ts';
import { DOMAIN, startGuardrailOffice, type GuardrailOffice } from './lists-post-office-fixture.ts';

describe('audit journal', () => {
  let office: GuardrailOffice;
  beforeAll(async () => {
    office = await startGuardrailOffice();
    await office.submit('alice', { to: [`builder@${DOMAIN}`], subject: 'One', text: 'first' });
    await office.submit('builder', { to: [`reviewer@${DOMAIN}`], cc: [`team@${DOMAIN}`], subject: 'Two', text: 'second' });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: office.postOffice.ports.smtp, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({ from: 'someone@elsewhere.example', to: `tester@${DOMAIN}`, subject: 'Three', text: 'third' });
    } finally {
      transport.close();
    }
    await office.submit('tester', { to: [`bob@${DOMAIN}`], subject: 'Four', text: 'fourth' });
  });
  afterAll(async () => {
    await office?.close();
  });

  it('journals every accepted message with its envelope and chains the entries', () => {
    const rows = [...office.postOffice.journal.rows()];
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4]);
    const envelopes = rows.map((row) => JSON.parse(row.envelopeJson) as { mailFrom: string; port: string; authenticatedAs: string | null; recipients: string[] });
    expect(envelopes[1]).toMatchObject({ mailFrom: `builder@${DOMAIN}`, port: 'submission', authenticatedAs: `builder@${DOMAIN}`, recipients: [`reviewer@${DOMAIN}`, `team@${DOMAIN}`] });
    expect(envelopes[2]).toMatchObject({ mailFrom: 'someone@elsewhere.example', port: 'inbound', authenticatedAs: null });
    for (const [index, row] of rows.entries()) if (index > 0) expect(row.previousHash).toBe(rows[index - 1]!.hash);
    // Every human holds a Journal copy of all four; agents have no Journal folder.
    for (const human of ['alice', 'bob']) expect(office.messages(human, 'Journal')).toHaveLength(4);
    for (const agent of ['builder', 'reviewer', 'tester']) expect(office.postOffice.store.getMailbox(`${agent}@${DOMAIN}`, 'Journal')).toBeUndefined();
  });

  it('audit verify proves the chain intact, then names the tampered entry and the tampered bytes', async () => {
    // The post office is stopped so the test edits quiet files (as an attacker with disk access would).
    await office.postOffice.close();
    const dataDir = office.dataDir;
    const intact = runCli(['audit', 'verify', '--data', dataDir], { cwd: dataDir });
    expect(intact.stderr).toBe('');
    expect(intact.status).toBe(0);
    expect(intact.stdout).toContain('intact');
    expect(intact.stdout).toContain('4 entries checked');
    expect(intact.stdout).toMatch(/[1-9]\d* stored message copies re-hashed/);

    // --config is honoured as well.
    const configFile = path.join(dataDir, 'audit.yaml');
    writeFileSync(configFile, `domain: ${DOMAIN}\ndataDir: .\n`);
    expect(runCli(['audit', 'verify', '--config', configFile], { cwd: '/' }).status).toBe(0);

    // 1. Edit one journal entry: entry 2 claims another sender.
    const journalDb = new DatabaseSync(path.join(dataDir, JOURNAL_FILE_NAME));
    const original = journalDb.prepare('SELECT envelope FROM journal_entries WHERE seq = 2').get() as { envelope: string };
    journalDb.prepare('UPDATE journal_entries SET envelope = ? WHERE seq = 2').run(original.envelope.replaceAll(`builder@${DOMAIN}`, `alice@${DOMAIN}`));
    const edited = runCli(['audit', 'verify', '--data', dataDir], { cwd: dataDir });
    expect(edited.status).toBe(1);
    expect(edited.stdout).toContain('BROKEN at entry 2');
    expect(edited.stdout).toContain('entry hash differs');
    expect(edited.stdout).toContain('1 entries before it verified');

    // 2. A forger who also recomputes entry 2's own hash breaks the link from entry 3.
    const { entryHash } = await import('../../src/postoffice/journal/journal-entry.ts');
    const row = journalDb.prepare('SELECT * FROM journal_entries WHERE seq = 2').get() as Record<string, string | number>;
    const forgedHash = entryHash({
      seq: 2,
      time: String(row.time),
      envelope: JSON.parse(String(row.envelope)),
      rawSha256: String(row.raw_sha256),
      size: Number(row.size),
      copies: JSON.parse(String(row.copies)),
      previousHash: String(row.previous_hash),
    });
    journalDb.prepare('UPDATE journal_entries SET entry_hash = ? WHERE seq = 2').run(forgedHash);
    const relinked = runCli(['audit', 'verify', '--data', dataDir], { cwd: dataDir });
    expect(relinked.status).toBe(1);
    expect(relinked.stdout).toContain('BROKEN at entry 3');
    expect(relinked.stdout).toContain('differs from the hash of entry 2');

    // Restore the journal: intact again.
    const restored = journalDb.prepare('SELECT * FROM journal_entries WHERE seq = 3').get() as Record<string, string>;
    journalDb.prepare('UPDATE journal_entries SET envelope = ?, entry_hash = ? WHERE seq = 2').run(original.envelope, restored.previous_hash!);
    journalDb.close();
    expect(runCli(['audit', 'verify', '--data', dataDir], { cwd: dataDir }).status).toBe(0);

    // 3. Edit the stored bytes of the message of entry 3 (in mail.sqlite): found through its copies.
    const copies = JSON.parse((new DatabaseSync(path.join(dataDir, JOURNAL_FILE_NAME), { readOnly: true }).prepare('SELECT copies FROM journal_entries WHERE seq = 3').get() as { copies: string }).copies) as Array<{ mailboxId: number; uid: number }>;
    const mailDb = new DatabaseSync(path.join(dataDir, 'mail.sqlite'));
    const body = mailDb.prepare('SELECT body_id FROM messages WHERE mailbox_id = ? AND uid = ?').get(copies[0]!.mailboxId, copies[0]!.uid) as { body_id: number };
    const raw = Buffer.from((mailDb.prepare('SELECT raw FROM bodies WHERE id = ?').get(body.body_id) as { raw: Uint8Array }).raw);
    mailDb.prepare('UPDATE bodies SET raw = ? WHERE id = ?').run(Buffer.from(raw.toString('latin1').replace('third', 'THIRD'), 'latin1'), body.body_id);
    mailDb.close();
    const bytes = runCli(['audit', 'verify', '--data', dataDir], { cwd: dataDir });
    expect(bytes.status).toBe(1);
    expect(bytes.stdout).toContain('BROKEN at entry 3');
    expect(bytes.stdout).toContain('stored message bytes');
  }, 300_000); // seven real CLI processes on a shared 2-core machine
});
