// One agent's IMAP connection: connect + LOGIN, select INBOX and IDLE on it (RFC 2177) so new mail
// (untagged EXISTS) wakes the agent; on close or error reconnect with capped exponential backoff and
// announce every (re)connect, because mail may have arrived while the connection was down.
// STARTTLS (RFC 3501 section 6.2.1) is used when the server offers it; self-signed certificates are
// accepted only when the caller says so (loopback or explicit configuration).
import { EventEmitter } from 'node:events';
import { ImapFlow } from 'imapflow';
import type { Logger } from '../logger.ts';

export interface ImapServerOptions {
  host: string;
  port: number;
  /** Implicit TLS (port 993 style). When false, STARTTLS is used if the server advertises it. */
  secure?: boolean | undefined;
  /** Require STARTTLS (true), never try it (false), or use it when offered (undefined). */
  doSTARTTLS?: boolean | undefined;
  /** Accept self-signed/untrusted certificates; defaults to true only for loopback hosts. */
  tlsRejectUnauthorized?: boolean | undefined;
}

export interface ReconnectPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

export const defaultReconnectPolicy: ReconnectPolicy = { initialDelayMs: 250, maxDelayMs: 15_000 };

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'stopped';

/**
 * Events: `connected` (client) after every successful (re)connect with INBOX selected, `new-mail` when
 * INBOX grows, `disconnected` (error?) when the connection is lost.
 */
export class MailboxConnection extends EventEmitter {
  #server: ImapServerOptions;
  #credentials: { user: string; password: string };
  #logger: Logger;
  #policy: ReconnectPolicy;
  #client: ImapFlow | undefined;
  #state: ConnectionState = 'disconnected';
  #failures = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;

  constructor(options: { server: ImapServerOptions; credentials: { user: string; password: string }; logger: Logger; reconnect?: ReconnectPolicy | undefined }) {
    super();
    this.#server = options.server;
    this.#credentials = options.credentials;
    this.#logger = options.logger;
    this.#policy = options.reconnect ?? defaultReconnectPolicy;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The live client; throws when disconnected so callers fail loudly instead of queueing forever. */
  get client(): ImapFlow {
    if (!this.#client || this.#state !== 'connected') throw new Error(`IMAP connection for ${this.#credentials.user} is not connected`);
    return this.#client;
  }

  start(): void {
    if (this.#state === 'stopped') throw new Error('a stopped MailboxConnection cannot be restarted');
    void this.#connect();
  }

  async stop(): Promise<void> {
    this.#state = 'stopped';
    clearTimeout(this.#reconnectTimer);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      try {
        await client.logout();
      } catch (error) {
        // The server may already be gone; logout is best effort but the reason is still worth a line.
        this.#logger.debug({ err: error }, 'IMAP logout failed while stopping');
        client.close();
      }
    }
  }

  async #connect(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'connecting';
    const client = new ImapFlow({
      host: this.#server.host,
      port: this.#server.port,
      secure: this.#server.secure ?? false,
      ...(this.#server.doSTARTTLS !== undefined ? { doSTARTTLS: this.#server.doSTARTTLS } : {}),
      tls: { rejectUnauthorized: this.#server.tlsRejectUnauthorized ?? !isLoopback(this.#server.host) },
      auth: { user: this.#credentials.user, pass: this.#credentials.password },
      logger: false,
      // Start IDLE soon after the last command: without IDLE most servers only report new mail on the next command.
      autoIdleDelay: 100,
      // Re-issue IDLE periodically so a silently dropped connection is noticed.
      maxIdleTime: 5 * 60_000,
      connectionTimeout: 20_000,
      greetingTimeout: 10_000,
      // COMPRESS=DEFLATE saves nothing on loopback and costs ~350 KiB per connection (zlib state both ways).
      disableCompression: isLoopback(this.#server.host),
    });
    client.on('error', (error: Error) => {
      this.#logger.warn({ err: error }, 'IMAP connection error');
    });
    client.on('close', () => this.#onClose(client));
    client.on('exists', (event: { path: string; count: number; prevCount: number }) => {
      if (event.path === 'INBOX' && event.count > event.prevCount) this.emit('new-mail');
    });
    try {
      await client.connect();
      await client.mailboxOpen('INBOX');
    } catch (error) {
      this.#logger.warn({ err: error, attempt: this.#failures + 1 }, 'IMAP connect failed');
      client.close();
      this.#scheduleReconnect();
      return;
    }
    if ((this.#state as ConnectionState) === 'stopped') {
      await client.logout().catch((error: unknown) => this.#logger.debug({ err: error }, 'IMAP logout after stop failed'));
      return;
    }
    this.#client = client;
    this.#state = 'connected';
    this.#failures = 0;
    this.#logger.info({ host: this.#server.host, port: this.#server.port }, 'IMAP connected, watching INBOX');
    this.emit('connected', client);
  }

  #onClose(client: ImapFlow): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    if (this.#state === 'stopped') return;
    this.#state = 'disconnected';
    this.#logger.warn('IMAP connection closed; reconnecting');
    this.emit('disconnected');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#state === 'stopped') return;
    this.#state = 'disconnected';
    const delay = Math.min(this.#policy.maxDelayMs, this.#policy.initialDelayMs * 2 ** this.#failures);
    this.#failures++;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => void this.#connect(), delay);
  }
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
