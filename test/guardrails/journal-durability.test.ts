// RFC 5321 §6.1 for the audit journal: the entry is appended before the 250, so a post office killed with
// SIGKILL right after the 250 has the entry, chained and matching the stored bytes, on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyJournal } from '../../src/postoffice/journal/journal-verify.ts';
import { MessageJournal } from '../../src/postoffice/journal/message-journal.ts';
import { MailStore } from '../../src/postoffice/store/mail-store.ts';
import { startPostOfficeProcess } from '../postoffice/post-office-process.ts';

describe('journal durability across kill -9', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-journal-kill-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('has the entry of a message answered with 250', async () => {
    const running = await startPostOfficeProcess(dataDir);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: running.ports.submission, secure: false, ignoreTLS: true, auth: { user: 'alice', pass: 'alice-secret' } });
    const info = await transport.sendMail({ from: 'alice@swarm.local', to: 'scout@swarm.local', subject: 'journaled', text: 'kept' });
    transport.close();
    expect(info.response).toMatch(/^250 /);
    await running.kill9();

    const journal = MessageJournal.open(dataDir);
    const store = MailStore.open(dataDir);
    try {
      const rows = [...journal.rows()];
      expect(rows).toHaveLength(1);
      expect(JSON.parse(rows[0]!.envelopeJson)).toMatchObject({ mailFrom: 'alice@swarm.local', recipients: ['scout@swarm.local'], port: 'submission' });
      const result = verifyJournal(journal, store);
      expect(result.failure).toBeUndefined();
      expect(result.copiesChecked).toBe(3); // scout's INBOX and the Journal folders of alice and bob
    } finally {
      store.close();
      journal.close();
    }
  }, 60_000);
});
