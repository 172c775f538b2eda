// Shared pieces of the guard-rail tests: a post office on 127.0.0.1 port 0 with humans alice and bob and
// agents alpha and beta, submission as any account (nodemailer, AUTH), inbound mail as a stranger, and
// reading mailboxes straight from the store (the tests assert on stored bytes, not on an IMAP rendering).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { configSchema, type MailswarmConfig } from '../../src/config/config-schema.ts';
import { silentLogger } from '../../src/logger.ts';
import { startPostOffice, type PostOffice } from '../../src/postoffice/post-office.ts';

export const DOMAIN = 'swarm.local';
export const HUMANS = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
];
export const AGENTS = [
  { name: 'alpha', password: 'alpha-secret' },
  { name: 'beta', password: 'beta-secret' },
];
export const PASSWORDS: Record<string, string> = Object.fromEntries([...HUMANS, ...AGENTS].map((user) => [`${user.name}@${DOMAIN}`, user.password]));

export interface GuardFixture {
  postOffice: PostOffice;
  config: MailswarmConfig;
  dataDir: string;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startGuardFixture(guards: Record<string, unknown> = {}): Promise<GuardFixture> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-guards-'));
  const config = configSchema.parse({ domain: DOMAIN, host: '127.0.0.1', dataDir, ports: { imap: 0, submission: 0, smtp: 0, web: 0 }, humans: HUMANS, guards });
  const fixture: GuardFixture = {
    postOffice: await startPostOffice({ config, agents: AGENTS, logger: silentLogger }),
    config,
    dataDir,
    async restart() {
      await fixture.postOffice.close();
      fixture.postOffice = await startPostOffice({ config, agents: AGENTS, logger: silentLogger });
    },
    async close() {
      await fixture.postOffice.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

export interface OutgoingTestMail {
  to: string[];
  cc?: string[];
  subject?: string;
  text: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
}

function messageOptions(from: string, mail: OutgoingTestMail) {
  return {
    from,
    to: mail.to,
    cc: mail.cc ?? [],
    subject: mail.subject ?? 'guard test',
    text: mail.text,
    messageId: `<${mail.messageId}>`,
    ...(mail.inReplyTo ? { inReplyTo: `<${mail.inReplyTo}>` } : {}),
    ...(mail.references ? { references: mail.references.map((id) => `<${id}>`) } : {}),
    headers: mail.headers ?? {},
  };
}

/** Submits as an account over the submission port; resolves with the server's final reply text. */
export async function submitAs(fixture: GuardFixture, account: string, mail: OutgoingTestMail): Promise<string> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: fixture.postOffice.ports.submission,
    auth: { user: account, pass: PASSWORDS[account]! },
    tls: { rejectUnauthorized: false },
  });
  try {
    const info = await transport.sendMail(messageOptions(account, mail));
    return info.response;
  } finally {
    transport.close();
  }
}

/** Sends as a stranger through the inbound port (no AUTH). */
export async function sendAsStranger(fixture: GuardFixture, from: string, mail: OutgoingTestMail): Promise<string> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: fixture.postOffice.ports.smtp, secure: false, tls: { rejectUnauthorized: false } });
  try {
    const info = await transport.sendMail(messageOptions(from, mail));
    return info.response;
  } finally {
    transport.close();
  }
}

/** The raw bytes of every message of one mailbox (empty when the mailbox does not exist). */
export function mailboxMessages(fixture: GuardFixture, account: string, mailbox = 'INBOX'): string[] {
  const { store } = fixture.postOffice;
  const record = store.getMailbox(account, mailbox);
  if (record === undefined) return [];
  return store.listMessages(record.id).map((message) => store.getRaw(record.id, message.uid)!.toString('utf8'));
}

/** The first value of a header field in raw message text (unfolded), or undefined. */
export function headerOf(raw: string, name: string): string | undefined {
  const header = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = header.split(/\r?\n/).find((candidate) => candidate.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

export function withMessageId(messages: string[], messageId: string): string[] {
  return messages.filter((raw) => headerOf(raw, 'Message-ID') === `<${messageId}>`);
}
