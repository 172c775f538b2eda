// One IMAP connection (RFC 3501 §3 states, §5.4 autologout timer, §7.1.5 BYE; RFC 3501 §6.2.1 STARTTLS;
// RFC 4978 COMPRESS=DEFLATE, deflate-layer.ts). It owns the socket and the incremental parser, reads one
// command at a time (pipelined commands wait their turn) and hands each to the dispatcher; the parser's line
// mode serves AUTHENTICATE and IDLE's DONE.
import * as tls from 'node:tls';
import type { Socket } from 'node:net';
import type { Logger } from '../../../logger.ts';
import type { AccountDirectoryApi } from '../../accounts/account-types.ts';
import { CommandParser, type CommandParserOptions } from '../protocol/command-parser.ts';
import type { CommandRequest, ImapValue } from '../protocol/protocol-types.ts';
import { continuation, tagged, untagged } from '../protocol/response-writer.ts';
import type { MailStoreApi } from '../../store/store-types.ts';
import { capabilityList } from './capabilities.ts';
import type { CommandContext, ImapCommandSpec, SessionControl, SessionState } from './command-context.ts';
import { ConnectionClosedError, dispatchCommand, type DispatchHost } from './dispatcher.ts';
import { ImapError } from './imap-error.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';
import { DeflateLayer } from './deflate-layer.ts';
import { NotifyGate, type NotifyHook } from './notify-gate.ts';
import { MODIFIED_UTF7_NAMES, UTF8_NAMES } from '../protocol/mailbox-name-codec.ts';

export interface SessionTimeouts {
  /** Autologout before authentication (RFC 3501 §5.4 allows any). */
  unauthenticatedMs: number;
  /** Autologout after authentication: at least 30 minutes (RFC 3501 §5.4). */
  authenticatedMs: number;
  idleKeepaliveMs: number;
}

export interface ImapSessionOptions {
  id: string;
  socket: Socket;
  store: MailStoreApi;
  accounts: AccountDirectoryApi;
  logger: Logger;
  table: ReadonlyMap<string, ImapCommandSpec>;
  throttle: LoginThrottle;
  /** Present when STARTTLS may be offered. */
  secureContext: tls.SecureContext | undefined;
  timeouts: SessionTimeouts;
  parserOptions?: CommandParserOptions;
  /** Mailboxes that are read-only for everybody (see imap-server.ts); none when absent. */
  readOnlyMailboxes?: ((account: string, mailbox: string) => boolean) | undefined;
  /** Per-account storage limit (RFC 9208); none when absent. */
  storageQuotaBytes?: number | undefined;
}

export class ImapSession implements SessionControl, DispatchHost {
  readonly id: string;
  readonly origin: object = {};
  readonly remoteAddress: string;
  readonly table: ReadonlyMap<string, ImapCommandSpec>;
  readonly idleKeepaliveMs: number;
  logger: Logger;

  readonly #store: MailStoreApi;
  readonly #accounts: AccountDirectoryApi;
  readonly #readOnlyMailboxes: (account: string, mailbox: string) => boolean;
  readonly #storageQuotaBytes: number | undefined;
  readonly #throttle: LoginThrottle;
  readonly #secureContext: tls.SecureContext | undefined;
  readonly #timeouts: SessionTimeouts;
  readonly #parserOptions: CommandParserOptions;
  readonly #rawSocket: Socket;
  #socket: Socket;
  #parser: CommandParser;
  #state: SessionState = 'not-authenticated';
  #account: string | undefined;
  readonly #enabled = new Set<string>();
  #condstore = false;
  #selected: SelectedMailbox | undefined;
  #secure = false;
  #failedLogins = 0;
  #closed = false;
  #afterReply: 'starttls' | 'compress' | 'close' | undefined;
  #compression: DeflateLayer | undefined;
  /** Responses written during this tick, sent as one socket write (see write()). */
  #output: Buffer[] = [];
  #outputScheduled = false;
  #wakeReader: (() => void) | undefined;
  #autologoutTimer: NodeJS.Timeout | undefined;
  readonly #notifyGate = new NotifyGate(this);

  constructor(options: ImapSessionOptions) {
    this.id = options.id;
    this.#rawSocket = options.socket;
    this.#socket = options.socket;
    this.remoteAddress = options.socket.remoteAddress ?? 'unknown';
    this.#store = options.store;
    this.#accounts = options.accounts;
    this.#readOnlyMailboxes = options.readOnlyMailboxes ?? (() => false);
    this.#storageQuotaBytes = options.storageQuotaBytes;
    this.table = options.table;
    this.#throttle = options.throttle;
    this.#secureContext = options.secureContext;
    this.#timeouts = options.timeouts;
    this.idleKeepaliveMs = options.timeouts.idleKeepaliveMs;
    this.#parserOptions = options.parserOptions ?? {};
    this.#parser = new CommandParser(this.#parserOptions);
    this.logger = options.logger.child({ session: this.id, remote: this.remoteAddress });
  }

  // ── SessionControl ─────────────────────────────────────────────────────────────────────────────────
  get state(): SessionState {
    return this.#state;
  }
  get account(): string | undefined {
    return this.#account;
  }
  get enabled(): ReadonlySet<string> {
    return this.#enabled;
  }
  get condstore(): boolean {
    return this.#condstore;
  }
  get selected(): SelectedMailbox | undefined {
    return this.#selected;
  }
  get secure(): boolean {
    return this.#secure;
  }
  get compressed(): boolean {
    return this.#compression !== undefined;
  }
  get tlsAvailable(): boolean {
    return this.#secureContext !== undefined && !this.#secure;
  }
  get literalMinus(): boolean {
    return this.#parserOptions.maxNonSynchronizingLiteralBytes !== undefined;
  }

  enableCondstore(): void {
    if (this.#condstore) return;
    this.#condstore = true;
    // RFC 7162 §3.1: the first CONDSTORE enabling command with a mailbox selected reports its HIGHESTMODSEQ.
    const selected = this.#selected;
    if (selected) this.write(statusLine('OK', 'Highest', `HIGHESTMODSEQ ${selected.highestModseq}`));
  }

  enable(extension: string): void {
    this.#enabled.add(extension);
    // QRESYNC implies CONDSTORE (RFC 7162 §3.2.3): ENABLE QRESYNC is a CONDSTORE enabling command.
    if (extension === 'CONDSTORE' || extension === 'QRESYNC') this.enableCondstore();
  }

  authenticate(account: string): void {
    this.#account = account;
    this.#state = 'authenticated';
    this.#throttle.recordSuccess(this.remoteAddress);
    this.logger = this.logger.child({ account });
    this.logger.info('IMAP login');
    this.#armAutologout();
  }

  async loginFailed(login: string): Promise<void> {
    this.#failedLogins += 1;
    const delayMs = this.#throttle.recordFailure(this.remoteAddress, this.#failedLogins);
    this.logger.warn({ login, failures: this.#failedLogins, delayMs }, 'IMAP login failed');
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  }

  select(mailbox: SelectedMailbox): void {
    this.#selected?.close();
    this.#selected = mailbox;
    this.#state = 'selected';
    this.#notifyGate.watchSelection();
  }

  get notify(): NotifyHook | undefined {
    return this.#notifyGate.hook;
  }

  setNotify(hook: NotifyHook | undefined): void {
    this.#notifyGate.set(hook);
  }

  notifyPending(): void {
    this.#notifyGate.pending();
  }

  setIdling(idling: boolean): void {
    this.#notifyGate.setIdling(idling);
  }

  deselect(): SelectedMailbox | undefined {
    const previous = this.#selected;
    this.#selected = undefined;
    if (this.#state === 'selected') this.#state = 'authenticated';
    return previous;
  }

  startTlsAfterReply(): void {
    this.#afterReply = 'starttls';
  }

  compressAfterReply(): void {
    this.#afterReply = 'compress';
  }

  logout(): void {
    this.#selected?.close();
    this.#selected = undefined;
    this.#state = 'logout';
    this.#afterReply = 'close';
  }

  // ── DispatchHost ───────────────────────────────────────────────────────────────────────────────────
  write(bytes: Buffer): void {
    if (this.#closed || this.#socket.writableEnded || this.#socket.destroyed) return;
    if (this.#compression) {
      // The deflater gathers a tick's writes itself (one Z_SYNC_FLUSH per tick, deflate-layer.ts).
      this.#sendOutput();
      this.#compression.write(bytes);
      return;
    }
    // A command's untagged lines, the change flush and the tagged reply come in one tick: one write system
    // call for all of them instead of one per line (a tenth of the CPU under a mixed workload went there).
    this.#output.push(bytes);
    if (!this.#outputScheduled) {
      this.#outputScheduled = true;
      process.nextTick(() => this.#sendOutput());
    }
  }

  /** Sends what write() gathered; also called before anything that changes the socket (close, TLS, COMPRESS). */
  #sendOutput(): void {
    this.#outputScheduled = false;
    if (this.#output.length === 0) return;
    const chunks = this.#output;
    this.#output = [];
    if (this.#socket.writableEnded || this.#socket.destroyed) return;
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (this.#compression) this.#compression.write(bytes);
    else this.#socket.write(bytes);
  }

  flushChanges(allowExpunge: boolean): string | undefined {
    const selected = this.#selected;
    if (!selected) return undefined;
    if (selected.gone) {
      // The mailbox was deleted by another session: sequence numbers mean nothing any more (Dovecot does the same).
      this.#endWithBye('Selected mailbox was deleted, have to disconnect');
      return undefined;
    }
    const qresync = this.#enabled.has('QRESYNC');
    const lastUid = selected.uids[selected.uids.length - 1] ?? 0;
    const outcome = selected.flush((bytes) => this.write(bytes), { allowExpunge, condstore: this.#condstore, vanished: qresync });
    this.#notifyGate.afterFlush(selected, lastUid, (bytes) => this.write(bytes));
    // RFC 7162 §3.2.7, §3.2.9 (and Dovecot after any VANISHED): the tagged OK tells where the view now stands.
    return qresync && outcome.expunged ? `HIGHESTMODSEQ ${selected.highestModseq}` : undefined;
  }

  createContext(request: CommandRequest, spec: ImapCommandSpec): CommandContext {
    const allowExpunge = !(spec.holdsExpunge === true && !request.uid);
    return {
      request,
      store: this.#store,
      accounts: this.#accounts,
      session: this,
      logger: this.logger,
      send: (...values: ImapValue[]) => this.write(untagged(...values)),
      sendStatus: (status, text, code) => this.write(statusLine(status, text, code)),
      sendRaw: (bytes: Buffer) => this.write(bytes),
      selected: () => {
        if (!this.#selected) throw new ImapError('BAD', 'No mailbox selected');
        return this.#selected;
      },
      continueAndReadLine: (prompt: string) => this.#continueAndReadLine(prompt),
      flushChanges: () => {
        this.flushChanges(allowExpunge);
      },
      isReadOnlyMailbox: (name: string) => this.#account !== undefined && this.#readOnlyMailboxes(this.#account, name),
      storageQuotaBytes: this.#storageQuotaBytes,
      mailboxNames: this.#enabled.has('UTF8=ACCEPT') || this.#enabled.has('IMAP4REV2') ? UTF8_NAMES : MODIFIED_UTF7_NAMES,
    };
  }

  // ── Connection life ────────────────────────────────────────────────────────────────────────────────
  /** Greets the client and serves commands until the connection ends. Never rejects. */
  async run(): Promise<void> {
    this.#rawSocket.on('data', this.#onData);
    this.#rawSocket.on('error', this.#onSocketError);
    this.#rawSocket.on('close', this.#onClose);
    const capabilities = capabilityList({ authenticated: false, tlsAvailable: this.tlsAvailable, literalMinus: this.literalMinus }).join(' ');
    this.write(statusLine('OK', 'mailswarm ready', `CAPABILITY ${capabilities}`));
    this.#armAutologout();
    try {
      await this.#serveCommands();
    } catch (error) {
      if (!(error instanceof ConnectionClosedError)) {
        this.logger.error({ err: error }, 'IMAP session failed');
        this.#endWithBye('Internal server error');
      }
    } finally {
      this.#destroy();
    }
  }

  /** Server shutdown: tell the client and close. */
  shutdown(): void {
    this.#endWithBye('mailswarm shutting down');
  }

  async #serveCommands(): Promise<void> {
    while (!this.#closed) {
      const result = this.#parser.next();
      switch (result.kind) {
        case 'need-more':
          await this.#waitForData();
          break;
        case 'need-literal':
          this.write(continuation('Ready for literal data'));
          break;
        case 'line':
          // Line mode is only switched on inside a command; a stray line here is a parser bug, not client input.
          this.logger.error({ line: result.text.slice(0, 80) }, 'IMAP parser returned a line outside line mode');
          this.#parser.setLineMode(false);
          break;
        case 'error':
          this.write(result.tag === undefined ? statusLine('BAD', oneLine(result.message), result.code) : tagged(result.tag, 'BAD', oneLine(result.message), result.code));
          if (result.fatal) this.#endWithBye('Too much invalid input');
          break;
        case 'request':
          this.logger.debug({ tag: result.request.tag, command: result.request.name, uid: result.request.uid }, 'IMAP command');
          this.#notifyGate.commandStarted();
          await dispatchCommand(this, result.request);
          await this.#afterCommand();
          this.#notifyGate.commandFinished();
          break;
      }
    }
  }

  async #afterCommand(): Promise<void> {
    this.#sendOutput();
    const action = this.#afterReply;
    this.#afterReply = undefined;
    if (action === 'close') {
      this.#closeConnection();
      return;
    }
    if (action === 'starttls') this.#upgradeToTls();
    if (action === 'compress') this.#startCompression();
    const output = this.#compression?.output ?? this.#socket;
    if (output.writableNeedDrain) {
      // Backpressure: neither read nor run the next command while a big response is still queued, so a
      // client that pipelines without reading cannot make us buffer without bound.
      const socket = this.#socket;
      socket.pause();
      await new Promise<void>((resolve) => {
        const done = () => {
          output.off('drain', done);
          this.#rawSocket.off('close', done);
          resolve();
        };
        output.once('drain', done);
        this.#rawSocket.once('close', done);
      });
      socket.resume();
    }
  }

  #upgradeToTls(): void {
    const secureContext = this.#secureContext;
    if (!secureContext) throw new Error('STARTTLS accepted without a TLS context');
    this.#rawSocket.off('data', this.#onData);
    // Plain-text bytes pipelined after STARTTLS are discarded, never run as commands (CVE-2011-0411 class).
    this.#parser = new CommandParser(this.#parserOptions);
    const secureSocket = new tls.TLSSocket(this.#rawSocket, { isServer: true, secureContext });
    secureSocket.on('data', this.#onData);
    secureSocket.on('error', this.#onSocketError);
    this.#socket = secureSocket;
    this.#secure = true;
  }

  /** RFC 4978 §3: compression starts right after the CRLF of the tagged OK, in both directions. */
  #startCompression(): void {
    const transport = this.#socket;
    if (this.#parser.bufferedBytes > 0) {
      // The client sent more before it saw the OK (§3 forbids it): those bytes are neither plain nor ours to guess.
      this.logger.warn({ bytes: this.#parser.bufferedBytes }, 'IMAP client pipelined data after COMPRESS; discarded');
      this.#parser = new CommandParser(this.#parserOptions);
    }
    this.#compression = new DeflateLayer({
      transport,
      onPlain: this.#onData,
      onError: (error) => {
        this.logger.warn({ err: error }, 'IMAP compression stream failed');
        this.#rawSocket.destroy();
      },
    });
  }

  async #continueAndReadLine(prompt: string): Promise<string> {
    this.write(continuation(prompt));
    this.#parser.setLineMode(true);
    try {
      for (;;) {
        if (this.#closed) throw new ConnectionClosedError();
        const result = this.#parser.next();
        if (result.kind === 'line') return result.text;
        if (result.kind === 'need-more') {
          await this.#waitForData();
          continue;
        }
        if (result.kind === 'error') throw new ImapError('BAD', oneLine(result.message));
        throw new ImapError('BAD', 'Expected a line of text');
      }
    } finally {
      this.#parser.setLineMode(false);
    }
  }

  #waitForData(): Promise<void> {
    if (this.#closed) return Promise.reject(new ConnectionClosedError());
    return new Promise((resolve) => {
      this.#wakeReader = resolve;
    });
  }

  #wake(): void {
    const wake = this.#wakeReader;
    this.#wakeReader = undefined;
    wake?.();
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#armAutologout();
    this.#parser.push(chunk);
    this.#wake();
  };

  readonly #onSocketError = (error: Error): void => {
    // Resets and broken pipes are the client's business; the close handler cleans up.
    this.logger.debug({ err: error }, 'IMAP socket error');
  };

  readonly #onClose = (): void => {
    this.#closed = true;
    // Only now: until the socket closes, the compressor may still be finishing the last responses (BYE).
    this.#compression?.destroy();
    this.#wake();
    this.#destroy();
  };

  #armAutologout(): void {
    clearTimeout(this.#autologoutTimer);
    if (this.#closed) return;
    const timeoutMs = this.#state === 'not-authenticated' ? this.#timeouts.unauthenticatedMs : this.#timeouts.authenticatedMs;
    this.#autologoutTimer = setTimeout(() => this.#endWithBye('Autologout; idle for too long'), timeoutMs);
  }

  #endWithBye(text: string): void {
    if (this.#closed) return;
    this.write(statusLine('BYE', text));
    this.#state = 'logout';
    this.#closeConnection();
  }

  /** Ends the connection after what was written; a client that never reads cannot keep it (or close()) alive. */
  #closeConnection(): void {
    this.#sendOutput();
    this.#closed = true;
    if (this.#compression) this.#compression.end();
    else this.#socket.end();
    setTimeout(() => this.#rawSocket.destroy(), 2_000).unref();
    this.#wake();
  }

  #destroy(): void {
    clearTimeout(this.#autologoutTimer);
    this.#notifyGate.close();
    this.#selected?.close();
    this.#selected = undefined;
  }
}

/** `* OK [CODE] text` — an untagged status response (RFC 3501 §7.1). */
export function statusLine(status: 'OK' | 'NO' | 'BAD' | 'BYE', text: string, code?: string): Buffer {
  return Buffer.from(`* ${status} ${code ? `[${code}] ` : ''}${oneLine(text)}\r\n`);
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
}
