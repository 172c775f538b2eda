// Starts a store, an account directory and both SMTP servers on 127.0.0.1 port 0 in a fresh data dir, with
// humans alice and bob, agents scout (given password) and critic (generated password).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configSchema, type MailswarmConfig } from '../../src/config/config-schema.ts';
import { silentLogger } from '../../src/logger.ts';
import { AccountDirectory } from '../../src/postoffice/accounts/account-directory.ts';
import type { AgentAccountSpec } from '../../src/postoffice/accounts/account-specs.ts';
import { startInboundServer } from '../../src/postoffice/smtp/inbound-server.ts';
import type { SmarthostRelay } from '../../src/postoffice/smtp/smarthost-relay.ts';
import type { RunningSmtpServer } from '../../src/postoffice/smtp/smtp-listener.ts';
import { startSubmissionServer } from '../../src/postoffice/smtp/submission-server.ts';
import { MailStore } from '../../src/postoffice/store/mail-store.ts';
import { ensureSelfSignedCertificate } from '../../src/postoffice/tls/self-signed.ts';
import { MessageJournal } from '../../src/postoffice/journal/message-journal.ts';

export const DOMAIN = 'swarm.local';
export const HUMANS = [
  { name: 'alice', password: 'alice-secret', displayName: 'Alice' },
  { name: 'bob', password: 'bob-secret' },
];
export const AGENTS: AgentAccountSpec[] = [{ name: 'scout', password: 'scout-secret', displayName: 'Scout' }, { name: 'critic' }];

export interface SmtpFixture {
  config: MailswarmConfig;
  dataDir: string;
  store: MailStore;
  accounts: AccountDirectory;
  submission: RunningSmtpServer;
  inbound: RunningSmtpServer;
  /** Raw bytes of every message in one mailbox, by uid order. */
  messages(account: string, mailbox?: string): Buffer[];
  close(): Promise<void>;
}

export function testConfig(dataDir: string, overrides: Record<string, unknown> = {}): MailswarmConfig {
  return configSchema.parse({
    domain: DOMAIN,
    host: '127.0.0.1',
    dataDir,
    ports: { imap: 0, submission: 0, smtp: 0, web: 0 },
    humans: HUMANS,
    ...overrides,
  });
}

export async function startSmtpFixture(options: { overrides?: Record<string, unknown>; smarthost?: SmarthostRelay } = {}): Promise<SmtpFixture> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-smtp-'));
  const config = testConfig(dataDir, options.overrides);
  const store = MailStore.open(dataDir);
  const accounts = await AccountDirectory.open({ config, agents: AGENTS });
  for (const account of accounts.list()) store.ensureAccount(account.address);
  const tls = await ensureSelfSignedCertificate({ dataDir, domain: DOMAIN });
  const journal = MessageJournal.open(dataDir);
  const common = { config, store, accounts, journal, tls, logger: silentLogger };
  const submission = await startSubmissionServer({ ...common, smarthost: options.smarthost });
  const inbound = await startInboundServer(common);
  return {
    config,
    dataDir,
    store,
    accounts,
    submission,
    inbound,
    messages(account, mailbox = 'INBOX') {
      const record = store.getMailbox(account, mailbox);
      if (record === undefined) return [];
      return store.listMessages(record.id).map((message) => store.getRaw(record.id, message.uid)!);
    },
    async close() {
      await submission.close();
      await inbound.close();
      store.close();
      journal.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Splits a stored message into its first header field (our Received) and the rest. */
export function splitFirstField(raw: Buffer): { first: string; rest: Buffer } {
  const text = raw.toString('latin1');
  let end = text.indexOf('\r\n');
  while (end !== -1 && (text[end + 2] === ' ' || text[end + 2] === '\t')) end = text.indexOf('\r\n', end + 2);
  return { first: text.slice(0, end + 2), rest: raw.subarray(end + 2) };
}
