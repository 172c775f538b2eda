// RFC 5321 §6.1: once the post office has answered 250, the message survives a crash. A child process runs
// the post office; on the 250 it is killed with SIGKILL and the message, its flags, its UID and the
// mailbox's UIDVALIDITY are found again after a restart on the same data dir. So are IMAP flag changes and
// expunges answered OK under the default `store.fsync: optimized` (acknowledged once in the WAL, before their
// fdatasync): a crash of the process, unlike a power loss, does not take them back.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MailStore } from '../../src/postoffice/store/mail-store.ts';
import { startPostOfficeProcess } from './post-office-process.ts';

function send(port: number, subject: string) {
  const raw = `From: scout@swarm.local\r\nTo: alice@swarm.local\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@swarm.local>\r\n\r\nsurvives kill -9 (${subject})\r\n`;
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, auth: { user: 'scout', pass: 'scout-secret' }, tls: { rejectUnauthorized: false } });
  return { raw, sent: transport.sendMail({ envelope: { from: 'scout@swarm.local', to: ['alice@swarm.local'] }, raw }) };
}

function inspectInbox(dataDir: string) {
  const store = MailStore.open(dataDir);
  try {
    const inbox = store.getMailbox('alice@swarm.local', 'INBOX')!;
    const messages = store.listMessages(inbox.id).map((message) => ({ ...message, raw: store.getRaw(inbox.id, message.uid)!.toString() }));
    return { store, inbox, messages };
  } catch (error) {
    store.close();
    throw error;
  }
}

describe('durability across kill -9', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-durability-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every message answered with 250, with its flags, UID and the UIDVALIDITY', async () => {
    const first = await startPostOfficeProcess(dataDir);
    const one = send(first.ports.submission, 'first');
    const info = await one.sent;
    expect(info.response).toMatch(/^250 /);
    await first.kill9();

    const before = inspectInbox(dataDir);
    expect(before.messages).toHaveLength(1);
    expect(before.messages[0]!.raw.endsWith(one.raw)).toBe(true);
    before.store.storeFlags(before.inbox.id, [before.messages[0]!.uid], 'add', ['\\Flagged', '$Important']);
    const uidValidity = before.inbox.uidValidity;
    const firstUid = before.messages[0]!.uid;
    before.store.close();

    const second = await startPostOfficeProcess(dataDir);
    const two = send(second.ports.submission, 'second');
    await two.sent;
    await second.kill9();

    const after = inspectInbox(dataDir);
    try {
      expect(after.inbox.uidValidity).toBe(uidValidity);
      expect(after.messages.map((message) => message.uid)).toEqual([firstUid, expect.any(Number)]);
      expect(after.messages[1]!.uid).toBeGreaterThan(firstUid);
      expect(after.messages[0]!.flags).toEqual(expect.arrayContaining(['\\Flagged', '$Important']));
      expect(after.messages[1]!.raw.endsWith(two.raw)).toBe(true);
    } finally {
      after.store.close();
    }
  });

  it('keeps IMAP flag changes and expunges answered OK, although their fdatasync may not have run', async () => {
    const first = await startPostOfficeProcess(dataDir);
    for (const subject of ['keep', 'drop']) expect((await send(first.ports.submission, subject).sent).response).toMatch(/^250 /);
    const client = new ImapFlow({ host: '127.0.0.1', port: first.ports.imap, secure: false, auth: { user: 'alice', pass: 'alice-secret' }, logger: false, tls: { rejectUnauthorized: false } });
    await client.connect();
    await client.mailboxOpen('INBOX');
    expect(await client.messageFlagsAdd('1', ['\\Flagged', '$Reviewed'])).toBe(true);
    expect(await client.messageDelete('2')).toBe(true); // STORE +FLAGS (\Deleted), then EXPUNGE
    await first.kill9();
    client.close();

    const after = inspectInbox(dataDir);
    try {
      expect(after.messages.map((message) => message.messageId)).toEqual(['keep@swarm.local']);
      expect(after.messages[0]!.flags).toEqual(expect.arrayContaining(['\\Flagged', '$Reviewed']));
    } finally {
      after.store.close();
    }
  });
});
