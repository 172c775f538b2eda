// The IMAP4rev1 listener (RFC 3501 §2.1: TCP, one session per connection). Plain TCP with STARTTLS when a
// key/certificate is configured (RFC 3501 §6.2.1, RFC 8314 would prefer implicit TLS for remote users).
// Plain-text LOGIN is allowed without TLS (no LOGINDISABLED): the post office listens on loopback by default;
// whoever binds it to another interface should configure `tls`, which clients are then offered via STARTTLS.
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Logger } from '../../logger.ts';
import type { AccountDirectoryApi } from '../accounts/account-types.ts';
import type { MailStoreApi } from '../store/store-types.ts';
import { commandTable } from './commands/command-table.ts';
import { ImapSession } from './session/imap-session.ts';
import { LoginThrottle, type LoginThrottleOptions } from './session/login-throttle.ts';

/** RFC 7888 §5: the largest non-synchronizing literal a LITERAL- server accepts. */
const LITERAL_MINUS_LIMIT = 4096;

export interface ImapServerOptions {
  host: string;
  /** 0 picks a free port; the bound one is returned. */
  port: number;
  store: MailStoreApi;
  accounts: AccountDirectoryApi;
  /** When given, STARTTLS is advertised and available. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  logger: Logger;
  timeouts?: {
    /** Autologout before login; default 60 s. */
    unauthenticatedMs?: number;
    /** Autologout after login; default 30 min (RFC 3501 §5.4 minimum). IDLE counts only when it starts. */
    idleMs?: number;
    /** `* OK Still here` during IDLE; default 5 min. */
    idleKeepaliveMs?: number;
  };
  /** Largest literal accepted (APPEND size limit); default 64 MiB. */
  maxLiteralBytes?: number;
  /** Mailboxes nobody may change over IMAP (the humans' Journal): SELECT is READ-ONLY, writes get NO [NOPERM]. */
  readOnlyMailboxes?: (account: string, mailbox: string) => boolean;
  /** Delays after failed logins; the defaults suit production (tests that fail logins on purpose shorten them). */
  loginThrottle?: LoginThrottleOptions;
  /** Advertise LITERAL- (non-synchronizing literals up to 4096 bytes) instead of LITERAL+ (RFC 7888 §5). */
  literalMinus?: boolean;
  /** Storage limit of every account in bytes (RFC 9208 QUOTA, STORAGE); absent: unlimited. */
  storageQuotaBytes?: number;
}

export interface ImapServerHandle {
  /** The bound port. */
  port: number;
  /** Open connections right now. */
  connections(): number;
  /** Stops listening, sends `* BYE` to every session and resolves when all connections are gone. */
  close(): Promise<void>;
}

export async function startImapServer(options: ImapServerOptions): Promise<ImapServerHandle> {
  const logger = options.logger.child({ component: 'imap' });
  const secureContext = options.tls ? tls.createSecureContext({ key: options.tls.key, cert: options.tls.cert }) : undefined;
  const throttle = new LoginThrottle(options.loginThrottle);
  const sessions = new Set<ImapSession>();
  const timeouts = {
    unauthenticatedMs: options.timeouts?.unauthenticatedMs ?? 60_000,
    authenticatedMs: options.timeouts?.idleMs ?? 30 * 60_000,
    idleKeepaliveMs: options.timeouts?.idleKeepaliveMs ?? 5 * 60_000,
  };
  let nextSessionNumber = 1;

  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    const session = new ImapSession({
      id: `imap-${nextSessionNumber++}`,
      socket,
      store: options.store,
      accounts: options.accounts,
      logger,
      table: commandTable,
      throttle,
      secureContext,
      timeouts,
      parserOptions: {
        ...(options.maxLiteralBytes === undefined ? {} : { maxLiteralBytes: options.maxLiteralBytes }),
        ...(options.literalMinus === true ? { maxNonSynchronizingLiteralBytes: LITERAL_MINUS_LIMIT } : {}),
      },
      readOnlyMailboxes: options.readOnlyMailboxes,
      storageQuotaBytes: options.storageQuotaBytes,
    });
    sessions.add(session);
    session.logger.debug('IMAP connection opened');
    // run() never rejects: a broken session ends itself and never touches the others.
    void session.run().then(() => {
      sessions.delete(session);
      session.logger.debug('IMAP connection closed');
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'IMAP listener error'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  logger.info({ host: options.host, port: address.port, starttls: secureContext !== undefined }, 'IMAP server listening');

  return {
    port: address.port,
    connections: () => sessions.size,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.shutdown();
      await closed;
    },
  };
}
