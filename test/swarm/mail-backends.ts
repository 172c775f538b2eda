// The mail servers the swarm tests run against, behind one shape: our embedded post office, or Debian's
// Dovecot + Postfix (via the lead's helper). The runtime only ever sees host + ports + credentials.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configSchema } from '../../src/config/config-schema.ts';
import { createLogger, silentLogger } from '../../src/logger.ts';
import { dovecotPostfixUnavailable, startDovecotPostfix } from '../helpers/dovecot-postfix.ts';

export interface MailUser {
  name: string;
  password: string;
}

export interface MailBackend {
  kind: 'postoffice' | 'dovecot-postfix';
  domain: string;
  host: string;
  imapPort: number;
  submissionPort: number;
  smtpPort: number;
  /** Stops the server and starts it again on the same ports with the same data (post office only). */
  restart?: () => Promise<void>;
  /** Stops the server (keeping data) without starting it again; `start` brings it back. */
  stopOnly?: () => Promise<void>;
  start?: () => Promise<void>;
  /** While stopped: puts a mail straight into a mailbox's store, as if it had been queued during the outage. */
  deliverWhileStopped?: (address: string, raw: Buffer) => Promise<void>;
  close(): Promise<void>;
}

export { dovecotPostfixUnavailable };

export async function startDovecotBackend(domain: string, users: MailUser[]): Promise<MailBackend> {
  const servers = await startDovecotPostfix({ domain, users });
  return { kind: 'dovecot-postfix', domain, host: servers.host, imapPort: servers.imapPort, submissionPort: servers.submissionPort, smtpPort: servers.smtpPort, close: () => servers.close() };
}

/** The post office with the first user as the human and the rest as agents. */
export async function startPostOfficeBackend(domain: string, human: MailUser, agents: MailUser[]): Promise<MailBackend> {
  const { startPostOffice } = await import('../../src/postoffice/post-office.ts');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-swarm-test-'));
  const configFor = (ports: { imap: number; submission: number; smtp: number }) =>
    configSchema.parse({ domain, host: '127.0.0.1', dataDir, ports: { ...ports, web: 0 }, humans: [human] });
  const logger = process.env.MAILSWARM_TEST_LOG ? createLogger(process.env.MAILSWARM_TEST_LOG) : silentLogger;
  const agentSpecs = agents.map((agent) => ({ name: agent.name, password: agent.password }));
  let postOffice: Awaited<ReturnType<typeof startPostOffice>> | undefined = await startPostOffice({ config: configFor({ imap: 0, submission: 0, smtp: 0 }), agents: agentSpecs, logger });
  if (postOffice.ports.imap === 0) {
    await postOffice.close();
    throw new Error('the post office has no IMAP listener yet (imap port 0)');
  }
  const ports = { ...postOffice.ports };
  const backend: MailBackend = {
    kind: 'postoffice',
    domain,
    host: '127.0.0.1',
    imapPort: ports.imap,
    submissionPort: ports.submission,
    smtpPort: ports.smtp,
    async stopOnly() {
      await postOffice?.close();
      postOffice = undefined;
    },
    async start() {
      postOffice = await startPostOffice({ config: configFor(ports), agents: agentSpecs, logger });
    },
    async deliverWhileStopped(address, raw) {
      if (postOffice) throw new Error('the post office is running');
      const { MailStore } = await import('../../src/postoffice/store/mail-store.ts');
      const store = MailStore.open(dataDir);
      try {
        const inbox = store.getMailbox(address, 'INBOX');
        if (!inbox) throw new Error(`no INBOX for ${address}`);
        store.append(inbox.id, raw, []);
      } finally {
        store.close();
      }
    },
    async restart() {
      await backend.stopOnly!();
      await backend.start!();
    },
    async close() {
      await postOffice?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return backend;
}

/**
 * The backend for scenarios 2-4: the embedded post office; MAILSWARM_SWARM_TEST_BACKEND=dovecot-postfix runs
 * them against Dovecot + Postfix instead (how they were developed before the post office had IMAP).
 */
export async function startTestBackend(domain: string, human: MailUser, agents: MailUser[]): Promise<MailBackend> {
  if (process.env.MAILSWARM_SWARM_TEST_BACKEND === 'dovecot-postfix') return startDovecotBackend(domain, [human, ...agents]);
  return startPostOfficeBackend(domain, human, agents);
}
