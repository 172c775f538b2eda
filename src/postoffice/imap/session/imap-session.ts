// One IMAP connection (RFC 3501 §3 states, §5.4 autologout timer, §7.1.5 BYE; RFC 3501 §6.2.1 STARTTLS;
// RFC 4978 COMPRESS=DEFLATE). It holds the session's state, reads one command at a time from its input
// (command-input.ts: the parser, pipelined commands wait their turn there, line mode for AUTHENTICATE and
// IDLE's DONE), hands each to the dispatcher and, after the reply, makes the switch the command asked for on
// its transport (session-transport.ts: gathered writes, TLS, DEFLATE, backpressure).
import type * as tls from 'node:tls';
import type { Socket } from 'node:net';
import type { Logger } from '../../../logger.ts';
import type { AccountDirectoryApi } from '../../accounts/account-types.ts';
import type { CommandParserOptions } from '../protocol/command-parser.ts';
import type { CommandRequest, ImapValue } from '../protocol/protocol-types.ts';
import { continuation, tagged, untagged } from '../protocol/response-writer.ts';
import type { MailStoreApi } from '../../store/store-types.ts';
import { capabilityList } from './capabilities.ts';
import type { CommandContext, ImapCommandSpec, SessionControl, SessionState } from './command-context.ts';
import { ConnectionClosedError, dispatchCommand, type DispatchHost } from './dispatcher.ts';
import { ImapError } from './imap-error.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';
import { SessionTransport } from './session-transport.ts';
import { CommandInput } from './command-input.ts';
import { oneLine, statusLine } from './status-line.ts';
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
  readonly #transport: SessionTransport;
  readonly #input: CommandInput;
  #state: SessionState = 'not-authenticated';
  #account: string | undefined;
  readonly #enabled = new Set<string>();
  #condstore = false;
  #selected: SelectedMailbox | undefined;
  #secure = false;
  #failedLogins = 0;
  #closed = false;
  #afterReply: 'starttls' | 'compress' | 'close' | undefined;
  #autologoutTimer: NodeJS.Timeout | undefined;
  #autologoutMs = 0;
  readonly #notifyGate = new NotifyGate(this);

  constructor(options: ImapSessionOptions) {
    this.id = options.id;
    this.#transport = new SessionTransport({ socket: options.socket, onData: this.#onData, onError: this.#onSocketError, onClose: this.#onClose });
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
    this.#input = new CommandInput(this.#parserOptions, () => this.#closed);
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
    return this.#transport.compressed;
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
    if (this.#closed) return;
    this.#transport.write(bytes);
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
    this.#transport.listen();
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
      const result = this.#input.next();
      switch (result.kind) {
        case 'need-more':
          await this.#input.waitForData();
          break;
        case 'need-literal':
          this.write(continuation('Ready for literal data'));
          break;
        case 'line':
          // Line mode is only switched on inside a command; a stray line here is a parser bug, not client input.
          this.logger.error({ line: result.text.slice(0, 80) }, 'IMAP parser returned a line outside line mode');
          this.#input.leaveLineMode();
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
    this.#transport.flush();
    const action = this.#afterReply;
    this.#afterReply = undefined;
    if (action === 'close') {
      this.#closeConnection();
      return;
    }
    if (action === 'starttls') this.#upgradeToTls();
    if (action === 'compress') this.#startCompression();
    if (this.#transport.needsDrain) await this.#transport.drained();
  }

  #upgradeToTls(): void {
    const secureContext = this.#secureContext;
    if (!secureContext) throw new Error('STARTTLS accepted without a TLS context');
    // Plain-text bytes pipelined after STARTTLS are discarded, never run as commands (CVE-2011-0411 class).
    this.#input.discardBuffered();
    this.#transport.upgradeToTls(secureContext);
    this.#secure = true;
  }

  /** RFC 4978 §3: compression starts right after the CRLF of the tagged OK, in both directions. */
  #startCompression(): void {
    if (this.#input.bufferedBytes > 0) {
      // The client sent more before it saw the OK (§3 forbids it): those bytes are neither plain nor ours to guess.
      this.logger.warn({ bytes: this.#input.bufferedBytes }, 'IMAP client pipelined data after COMPRESS; discarded');
      this.#input.discardBuffered();
    }
    this.#transport.startCompression((error) => this.logger.warn({ err: error }, 'IMAP compression stream failed'));
  }

  #continueAndReadLine(prompt: string): Promise<string> {
    this.write(continuation(prompt));
    return this.#input.readLine();
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#armAutologout();
    this.#input.push(chunk);
  };

  readonly #onSocketError = (error: Error): void => {
    // Resets and broken pipes are the client's business; the close handler cleans up.
    this.logger.debug({ err: error }, 'IMAP socket error');
  };

  readonly #onClose = (): void => {
    this.#closed = true;
    this.#transport.dispose();
    this.#input.wake();
    this.#destroy();
  };

  #armAutologout(): void {
    if (this.#closed) {
      clearTimeout(this.#autologoutTimer);
      return;
    }
    const timeoutMs = this.#state === 'not-authenticated' ? this.#timeouts.unauthenticatedMs : this.#timeouts.authenticatedMs;
    // Called for every chunk the client sends: restarting the running timer is cheaper than a new one each time.
    if (this.#autologoutTimer !== undefined && this.#autologoutMs === timeoutMs) {
      this.#autologoutTimer.refresh();
      return;
    }
    clearTimeout(this.#autologoutTimer);
    this.#autologoutMs = timeoutMs;
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
    this.#closed = true;
    this.#transport.end();
    this.#input.wake();
  }

  #destroy(): void {
    clearTimeout(this.#autologoutTimer);
    this.#notifyGate.close();
    this.#selected?.close();
    this.#selected = undefined;
  }
}

// Part of this module's API: command code formats untagged status lines the way the session does.
export { statusLine } from './status-line.ts';
