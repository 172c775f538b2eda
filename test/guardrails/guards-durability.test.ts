// Held mail is answered 250, so it must survive kill -9 like delivered mail (RFC 5321 §6.1): a post office in
// a child process holds a duplicate, is killed with SIGKILL, and after a restart on the same data dir the
// note is in the Held folder and a human's APPROVE still releases the original.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MailStore } from '../../src/postoffice/store/mail-store.ts';
import { startPostOfficeProcess } from '../postoffice/post-office-process.ts';
import { headerOf } from './guardrails-fixture.ts';

async function send(port: number, login: { user: string; pass: string }, raw: string): Promise<string> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, auth: login, tls: { rejectUnauthorized: false } });
  try {
    const from = `${login.user}@swarm.local`;
    const to = /^To: (.+)$/m.exec(raw)![1]!.trim();
    return (await transport.sendMail({ envelope: { from, to: [to] }, raw })).response;
  } finally {
    transport.close();
  }
}

function agentMail(id: string): string {
  return `From: scout@swarm.local\r\nTo: bob@swarm.local\r\nSubject: report\r\nMessage-ID: <${id}@swarm.local>\r\n\r\nthe same report\r\n`;
}

function folder(dataDir: string, account: string, name: string): string[] {
  const store = MailStore.open(dataDir);
  try {
    const mailbox = store.getMailbox(account, name);
    if (mailbox === undefined) return [];
    return store.listMessages(mailbox.id).map((message) => store.getRaw(mailbox.id, message.uid)!.toString());
  } finally {
    store.close();
  }
}

describe('held mail across kill -9', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-guards-durability-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the held original and its note, and releases it on APPROVE after the restart', async () => {
    const first = await startPostOfficeProcess(dataDir);
    const scout = { user: 'scout', pass: 'scout-secret' };
    expect(await send(first.ports.submission, scout, agentMail('original'))).toMatch(/^250 /);
    expect(await send(first.ports.submission, scout, agentMail('duplicate'))).toMatch(/^250 .*held for moderation: duplicate-body/);
    await first.kill9();

    const [note] = folder(dataDir, 'alice@swarm.local', 'Held');
    expect(note).toContain('Message-ID: <duplicate@swarm.local>');
    const noteId = headerOf(note!, 'Message-ID')!.slice(1, -1);

    const second = await startPostOfficeProcess(dataDir);
    try {
      const approve = `From: alice@swarm.local\r\nTo: postmaster@swarm.local\r\nSubject: Re: held\r\nMessage-ID: <approve@swarm.local>\r\nIn-Reply-To: <${noteId}>\r\n\r\nAPPROVE\r\n`;
      expect(await send(second.ports.submission, { user: 'alice', pass: 'alice-secret' }, approve)).toMatch(/released/);
    } finally {
      await second.stop();
    }
    const bobInbox = folder(dataDir, 'bob@swarm.local', 'INBOX');
    expect(bobInbox.filter((raw) => raw.includes('Message-ID: <duplicate@swarm.local>'))).toHaveLength(1);
  });
});
