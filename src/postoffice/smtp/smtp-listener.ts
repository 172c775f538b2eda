// Runs one smtp-server instance for mailswarm: a child logger per connection (no bodies logged), handlers
// written as async functions whose SmtpReplyError becomes the SMTP reply and whose any other error becomes
// 451 (logged; the client retries and nothing is lost), a listener that never crashes the process on a bad
// client, and a close() that waits for messages being delivered before it resolves.
import { SMTPServer, type SMTPServerAddress, type SMTPServerAuthentication, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../../logger.ts';
import { SmtpReplyError } from './smtp-reply-error.ts';

export interface SmtpHandlers {
  /** Resolves the authenticated account address, or throws SmtpReplyError. */
  onAuth?(auth: SMTPServerAuthentication, session: SMTPServerSession, log: Logger): Promise<string>;
  onMailFrom?(address: SMTPServerAddress, session: SMTPServerSession, log: Logger): Promise<void> | void;
  onRcptTo?(address: SMTPServerAddress, session: SMTPServerSession, log: Logger): Promise<void> | void;
  /** Resolves the text of the 250 reply once the message is durably delivered. */
  onData(stream: SMTPServerDataStream, session: SMTPServerSession, log: Logger): Promise<string>;
}

export interface RunningSmtpServer {
  /** The port actually listened on (the real one when 0 was asked for). */
  port: number;
  connections(): number;
  close(): Promise<void>;
}

const LOCAL_ERROR = () => new SmtpReplyError(451, '4.3.0', 'local error in processing, try again later');

export async function startSmtpServer(options: {
  role: 'submission' | 'inbound';
  host: string;
  port: number;
  logger: Logger;
  serverOptions: SMTPServerOptions;
  handlers: SmtpHandlers;
}): Promise<RunningSmtpServer> {
  const { handlers, role } = options;
  const serverLogger = options.logger.child({ component: 'smtp', role });
  const connectionLoggers = new Map<string, Logger>();
  const deliveries = new Set<Promise<unknown>>();
  const logFor = (session: SMTPServerSession): Logger => connectionLoggers.get(session.id) ?? serverLogger.child({ connection: session.id });

  /** Runs a handler and answers through smtp-server's callback; an unexpected error is logged and becomes 451. */
  const answer = <T>(session: SMTPServerSession, what: string, work: () => Promise<T> | T, callback: (error: Error | null, value?: T) => void): Promise<void> => {
    const log = logFor(session);
    return Promise.resolve()
      .then(work)
      .then(
        (value) => callback(null, value),
        (error: unknown) => {
          if (error instanceof SmtpReplyError) {
            log.info({ command: what, reply: error.responseCode, reason: error.message }, 'refused');
            callback(error);
          } else {
            log.error({ command: what, err: error }, 'handler failed');
            callback(LOCAL_ERROR());
          }
        },
      )
      // smtp-server's own callback threw (e.g. the socket is gone): log it rather than crash the process.
      .catch((error: unknown) => log.error({ command: what, err: error }, 'smtp-server failed to send the reply'));
  };

  const server = new SMTPServer({
    ...options.serverOptions,
    logger: false,
    // Reverse DNS of loopback clients is pointless and can stall in sandboxes; the Received header shows [ip].
    disableReverseLookup: true,
    hideENHANCEDSTATUSCODES: true,
    closeTimeout: 5_000,
    onConnect(session, callback) {
      const log = serverLogger.child({ connection: session.id, remote: session.remoteAddress });
      connectionLoggers.set(session.id, log);
      log.debug('connected');
      callback();
    },
    onClose(session) {
      logFor(session).debug('disconnected');
      connectionLoggers.delete(session.id);
    },
    onAuth: handlers.onAuth
      ? (auth, session, callback) => {
          void answer(session, 'AUTH', () => handlers.onAuth!(auth, session, logFor(session)), (error, user) => {
            if (error) callback(error);
            else callback(null, { user });
          });
        }
      : undefined,
    onMailFrom: handlers.onMailFrom
      ? (address, session, callback) => void answer(session, 'MAIL', () => handlers.onMailFrom!(address, session, logFor(session)), (error) => callback(error))
      : undefined,
    onRcptTo: handlers.onRcptTo
      ? (address, session, callback) => void answer(session, 'RCPT', () => handlers.onRcptTo!(address, session, logFor(session)), (error) => callback(error))
      : undefined,
    onData(stream, session, callback) {
      const delivery = answer(session, 'DATA', () => handlers.onData(stream, session, logFor(session)), (error, text) => {
        // A refused message may not have been read to its end; smtp-server drains it before replying.
        if (error) callback(error);
        else callback(null, text);
      });
      deliveries.add(delivery);
      void delivery.finally(() => deliveries.delete(delivery));
    },
  });
  // Without this listener a client resetting its connection would crash the process.
  server.on('error', (error: Error) => serverLogger.warn({ err: error }, 'connection error'));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(new Error(`cannot listen for ${role} SMTP on ${options.host}:${options.port}: ${error.message}`));
    server.server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  serverLogger.info({ host: options.host, port }, `${role} SMTP listening`);

  return {
    port,
    connections: () => server.connections.size,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...deliveries]);
      serverLogger.info('closed');
    },
  };
}
