// A post office for the guard-rail tests on 127.0.0.1 ports 0 in a fresh data dir: humans alice and bob,
// agents builder, reviewer and tester (given passwords), the config list reviewers@ (reviewer + alice);
// plus helpers to submit mail as an account and to read a mailbox's raw messages from the store.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { configSchema, type MailswarmConfig } from '../../src/config/config-schema.ts';
import { silentLogger } from '../../src/logger.ts';
import { startPostOffice, type PostOffice } from '../../src/postoffice/post-office.ts';

export const DOMAIN = 'swarm.local';
export const PASSWORDS: Record<string, string> = { alice: 'alice-pw', bob: 'bob-pw', builder: 'builder-pw', reviewer: 'reviewer-pw', tester: 'tester-pw' };
export const AGENT_NAMES = ['builder', 'reviewer', 'tester'];

export interface GuardrailOffice {
  postOffice: PostOffice;
  config: MailswarmConfig;
  dataDir: string;
  /** Raw messages of one mailbox in uid order ([] when the mailbox does not exist). */
  messages(account: string, mailbox?: string): Buffer[];
  /** Submits over port submission as `name` (authenticated). */
  submit(name: string, mail: { to?: string[]; cc?: string[]; subject: string; text: string; messageId?: string }): Promise<void>;
  close(): Promise<void>;
}

export function guardrailConfig(dataDir: string, overrides: Record<string, unknown> = {}): MailswarmConfig {
  return configSchema.parse({
    domain: DOMAIN,
    host: '127.0.0.1',
    dataDir,
    ports: { imap: 0, submission: 0, smtp: 0, web: 0 },
    humans: [
      { name: 'alice', password: PASSWORDS.alice, displayName: 'Alice' },
      { name: 'bob', password: PASSWORDS.bob },
    ],
    lists: [{ name: 'reviewers', members: ['reviewer', `alice@${DOMAIN}`], description: 'Code reviewers' }],
    ...overrides,
  });
}

export const agentSpecs = () => AGENT_NAMES.map((name) => ({ name, password: PASSWORDS[name]! }));

export async function startGuardrailOffice(overrides: Record<string, unknown> = {}): Promise<GuardrailOffice> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-guardrails-'));
  const config = guardrailConfig(dataDir, overrides);
  const postOffice = await startPostOffice({ config, agents: agentSpecs(), logger: silentLogger });
  const { store } = postOffice;
  return {
    postOffice,
    config,
    dataDir,
    messages(account, mailbox = 'INBOX') {
      const record = store.getMailbox(`${account.includes('@') ? account : `${account}@${DOMAIN}`}`, mailbox);
      if (record === undefined) return [];
      return store.listMessages(record.id).map((message) => store.getRaw(record.id, message.uid)!);
    },
    async submit(name, mail) {
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: postOffice.ports.submission,
        secure: false,
        ignoreTLS: true,
        auth: { user: `${name}@${DOMAIN}`, pass: PASSWORDS[name]! },
      });
      try {
        await transport.sendMail({ from: `${name}@${DOMAIN}`, to: mail.to ?? [], cc: mail.cc ?? [], subject: mail.subject, text: mail.text, ...(mail.messageId ? { messageId: mail.messageId } : {}) });
      } finally {
        transport.close();
      }
    },
    async close() {
      await postOffice.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function headerValues(raw: Buffer, name: string): string[] {
  const header = raw.toString('latin1').split(/\r\n\r\n/)[0] ?? '';
  const unfolded = header.replace(/\r\n[ \t]+/g, ' ');
  return unfolded
    .split('\r\n')
    .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((line) => line.slice(name.length + 1).trim());
}
