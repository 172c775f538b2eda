// The assembled post office in-process: real ports from port 0, every account in the store, an imapflow
// client in IDLE woken by a nodemailer submission, and a restart that keeps messages, flags, UIDs and
// UIDVALIDITY as IMAP shows them.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type MailswarmConfig } from '../../src/config/config-schema.ts';
import { silentLogger } from '../../src/logger.ts';
import { startPostOffice, type PostOffice } from '../../src/postoffice/post-office.ts';
import { nextEvent } from '../helpers/wait-for.ts';

const AGENTS = [{ name: 'scout', password: 'scout-secret' }];

function imapClient(postOffice: PostOffice, user: string, pass: string): ImapFlow {
  return new ImapFlow({ host: '127.0.0.1', port: postOffice.ports.imap, secure: false, auth: { user, pass }, tls: { rejectUnauthorized: false }, logger: false });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

function submit(postOffice: PostOffice, subject: string) {
  const raw = `From: Scout <scout@swarm.local>\r\nTo: alice@swarm.local\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@swarm.local>\r\n\r\nhello alice\r\n`;
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: postOffice.ports.submission, auth: { user: 'scout@swarm.local', pass: 'scout-secret' }, tls: { rejectUnauthorized: false } });
  return { raw, sent: transport.sendMail({ envelope: { from: 'scout@swarm.local', to: ['alice@swarm.local'] }, raw }) };
}

describe('post office', () => {
  let dataDir: string;
  let config: MailswarmConfig;
  let running: PostOffice | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-postoffice-'));
    config = configSchema.parse({
      domain: 'swarm.local',
      host: '127.0.0.1',
      dataDir,
      ports: { imap: 0, submission: 0, smtp: 0, web: 0 },
      humans: [{ name: 'alice', password: 'alice-secret' }],
    });
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on real ports and ensures every account in the store', async () => {
    running = await startPostOffice({ config, agents: AGENTS, logger: silentLogger });
    const { imap, submission, smtp } = running.ports;
    for (const port of [imap, submission, smtp]) expect(port).toBeGreaterThan(0);
    expect(new Set([imap, submission, smtp]).size).toBe(3);
    for (const address of ['alice@swarm.local', 'scout@swarm.local', 'postmaster@swarm.local']) expect(running.store.accountExists(address)).toBe(true);
    expect(running.certificateFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('wakes an IMAP IDLE client with EXISTS when mail is submitted', async () => {
    running = await startPostOffice({ config, agents: AGENTS, logger: silentLogger });
    const client = imapClient(running, 'alice@swarm.local', 'alice-secret');
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const idleEnded = client.idle();
        const exists = nextEvent<{ path: string; count: number }>(client, 'exists');
        const { raw, sent } = submit(running, 'wake up');
        await sent;
        const event = await exists;
        expect(event).toMatchObject({ path: 'INBOX', count: 1 });
        const message = await client.fetchOne('*', { source: true, uid: true });
        expect(message && message.source!.toString().endsWith(raw)).toBe(true);
        void idleEnded;
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  });

  it('keeps messages, flags, UIDs and UIDVALIDITY across a restart', async () => {
    running = await startPostOffice({ config, agents: AGENTS, logger: silentLogger });
    await submit(running, 'one').sent;
    await submit(running, 'two').sent;
    let client = imapClient(running, 'alice', 'alice-secret');
    await client.connect();
    const before = await client.mailboxOpen('INBOX');
    await client.messageFlagsAdd('1', ['\\Flagged', '$Important']);
    const listedBefore = await collect(client.fetch('1:*', { uid: true, flags: true, envelope: true }));
    await client.logout();
    await running.close();

    running = await startPostOffice({ config, agents: AGENTS, logger: silentLogger });
    client = imapClient(running, 'alice', 'alice-secret');
    await client.connect();
    const after = await client.mailboxOpen('INBOX');
    const listedAfter = await collect(client.fetch('1:*', { uid: true, flags: true, envelope: true }));
    await client.logout();

    expect(after.uidValidity).toBe(before.uidValidity);
    expect(after.uidNext).toBe(before.uidNext);
    // \Recent belongs to the session that first saw a message (RFC 3501 §2.3.2), so it is not compared.
    const summary = (message: (typeof listedBefore)[number]) => [message.uid, [...message.flags!].filter((flag) => flag !== '\\Recent').sort(), message.envelope!.subject];
    expect(listedAfter.map(summary)).toEqual(listedBefore.map(summary));
    expect([...listedAfter[0]!.flags!]).toEqual(expect.arrayContaining(['\\Flagged', '$Important']));
  });
});
