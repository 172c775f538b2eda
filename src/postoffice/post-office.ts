// Assembles the embedded post office: the durable store, the account directory (every account ensured in
// the store), the self-signed TLS certificate, the IMAP server (RFC 3501), the submission server (RFC 6409)
// and the inbound SMTP server (RFC 5321), and the retention schedule (retention-schedule.ts) that prunes old
// Journal copies, audit entries and held records. Ports 0 are allowed and the real ports are returned. close()
// stops the listeners first (no new mail, in-flight deliveries finish), then closes the store.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { MailswarmConfig } from '../config/config-schema.ts';
import type { Logger } from '../logger.ts';
import { AccountDirectory } from './accounts/account-directory.ts';
import type { AgentAccountSpec } from './accounts/account-specs.ts';
import { GovernanceByMail } from './governance/governance-by-mail.ts';
import { GuardRails } from './guards/guard-rails.ts';
import { startImapServer } from './imap/imap-server.ts';
import { ensureJournalFolders, isJournalMailbox } from './journal/journal-folder.ts';
import { MessageJournal } from './journal/message-journal.ts';
import { RetentionSchedule } from './retention-schedule.ts';
import { startInboundServer } from './smtp/inbound-server.ts';
import { createSmarthostRelay, type SmarthostRelay } from './smtp/smarthost-relay.ts';
import type { RunningSmtpServer } from './smtp/smtp-listener.ts';
import { startSubmissionServer } from './smtp/submission-server.ts';
import { MailStore } from './store/mail-store.ts';
import type { MailStoreApi } from './store/store-types.ts';
import { ensureSelfSignedCertificate } from './tls/self-signed.ts';

export interface PostOffice {
  store: MailStoreApi;
  accounts: AccountDirectory;
  /** Guard rails and governance state; `guards.status()` feeds `mailswarm status`. */
  guards: GuardRails;
  /** The hash-chained audit journal (table journal_entries of `<dataDir>/mail.sqlite`). */
  journal: MessageJournal;
  /** Prunes by `retention` at start and hourly; runNow() for a pass on demand (tests move its clock). */
  retention: RetentionSchedule;
  ports: { imap: number; submission: number; smtp: number };
  host: string;
  /** SHA-256 fingerprint of the STARTTLS certificate, for the operator to compare with the client's. */
  certificateFingerprint: string;
  close(): Promise<void>;
}

export interface StartPostOfficeOptions {
  config: MailswarmConfig;
  agents: AgentAccountSpec[];
  logger: Logger;
}

interface Closable {
  name: string;
  close(): Promise<void> | void;
}

export async function startPostOffice(options: StartPostOfficeOptions): Promise<PostOffice> {
  const { config } = options;
  const logger = options.logger.child({ component: 'postoffice' });
  const dataDir = path.resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = MailStore.open(dataDir, {
    fsync: config.store.fsync,
    onListenerError: (error, change) => logger.error({ err: error, mailboxId: change.mailboxId }, 'a mailbox change listener threw'),
  });
  // Stopped in reverse order of start; the store is always last.
  const started: Closable[] = [{ name: 'store', close: () => store.close() }];
  const closeAll = async (): Promise<void> => {
    for (const part of started.splice(0).reverse()) {
      try {
        await part.close();
      } catch (error) {
        logger.error({ err: error, part: part.name }, 'failed to close');
      }
    }
  };
  try {
    const accounts = await AccountDirectory.open({ config, agents: options.agents });
    for (const account of accounts.list()) store.ensureAccount(account.address);
    ensureJournalFolders(store, accounts);
    const journal = MessageJournal.open(dataDir);
    started.push({ name: 'journal', close: () => journal.close() });
    const tls = await ensureSelfSignedCertificate({ dataDir, domain: config.domain });
    let smarthost: SmarthostRelay | undefined;
    if (config.smarthost !== undefined) {
      smarthost = createSmarthostRelay(config.smarthost);
      started.push({ name: 'smarthost', close: () => smarthost!.close() });
    }
    const common = { config, store, accounts, journal, tls, logger: options.logger };
    // IMAP before SMTP: by the time mail can arrive, clients can already watch for it; closed after SMTP.
    const imap = await startImapServer({
      host: config.host,
      port: config.ports.imap,
      store,
      accounts,
      tls,
      logger: options.logger,
      readOnlyMailboxes: isJournalMailbox,
      ...(config.quota.storageMb > 0 ? { storageQuotaBytes: config.quota.storageMb * 1024 * 1024 } : {}),
    });
    started.push({ name: 'imap', close: () => imap.close() });
    const imapPort = imap.port;
    // Loop/storm guards and governance by mail (<dataDir>/guards.sqlite); closed after the SMTP servers.
    const guards = GuardRails.open({
      dataDir,
      config: config.guards,
      store,
      accounts,
      journal,
      smarthost,
      logger: options.logger,
      humanCommands: (controls) => new GovernanceByMail({ accounts, ...controls }),
    });
    started.push({ name: 'guards', close: () => guards.close() });
    const submission: RunningSmtpServer = await startSubmissionServer({ ...common, smarthost, guards });
    started.push({ name: 'submission', close: () => submission.close() });
    const inbound: RunningSmtpServer = await startInboundServer(common);
    started.push({ name: 'inbound', close: () => inbound.close() });
    const retention = new RetentionSchedule({ config: config.retention, store, accounts, journal, guards, logger: options.logger });
    retention.start();
    started.push({ name: 'retention', close: () => retention.stop() });
    logger.info({ host: config.host, imap: imapPort, submission: submission.port, smtp: inbound.port, accounts: accounts.list().length }, 'post office ready');

    let closing: Promise<void> | undefined;
    return {
      store,
      accounts,
      guards,
      journal,
      retention,
      ports: { imap: imapPort, submission: submission.port, smtp: inbound.port },
      host: config.host,
      certificateFingerprint: tls.fingerprint,
      close() {
        closing ??= closeAll().then(() => logger.info('post office closed'));
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
