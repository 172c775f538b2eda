// Test fixture for the IMAP session tests: a real MailStore in a temp dir, a tiny in-memory account
// directory (plain passwords, no scrypt) and the IMAP server on 127.0.0.1 port 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as net from 'node:net';
import { silentLogger } from '../../src/logger.ts';
import type { AccountDirectoryApi, AccountInfo } from '../../src/postoffice/accounts/account-types.ts';
import { startImapServer, type ImapServerHandle, type ImapServerOptions } from '../../src/postoffice/imap/imap-server.ts';
import { MailStore } from '../../src/postoffice/store/mail-store.ts';

export const DOMAIN = 'swarm.local';

export class TestAccounts implements AccountDirectoryApi {
  readonly #passwords = new Map<string, string>();
  add(address: string, password: string): void {
    this.#passwords.set(address.toLowerCase(), password);
  }
  resolveLogin(login: string): string | undefined {
    const address = (login.includes('@') ? login : `${login}@${DOMAIN}`).toLowerCase();
    return this.#passwords.has(address) ? address : undefined;
  }
  async verifyPassword(login: string, password: string): Promise<string | null> {
    const address = this.resolveLogin(login);
    return address !== undefined && this.#passwords.get(address) === password ? address : null;
  }
  isLocalAddress(address: string): boolean {
    return this.#passwords.has(address.toLowerCase());
  }
  get(address: string): AccountInfo | undefined {
    return this.#passwords.has(address) ? { address, kind: 'human', displayName: undefined } : undefined;
  }
  list(): AccountInfo[] {
    return [...this.#passwords.keys()].map((address) => ({ address, kind: 'human', displayName: undefined }));
  }
}

export interface TestServer {
  store: MailStore;
  /** Where the store's database lives (a second MailStore may open it to read past the first one's caches). */
  dataDir: string;
  accounts: TestAccounts;
  server: ImapServerHandle;
  port: number;
  close(): Promise<void>;
}

export async function startTestServer(options: Partial<Pick<ImapServerOptions, 'tls' | 'timeouts' | 'maxLiteralBytes' | 'storageQuotaBytes' | 'literalMinus' | 'readOnlyMailboxes'>> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mailswarm-imap-'));
  const store = MailStore.open(dataDir);
  const accounts = new TestAccounts();
  for (const user of ['alice', 'bob']) {
    accounts.add(`${user}@${DOMAIN}`, `${user}-secret`);
    store.ensureAccount(`${user}@${DOMAIN}`);
  }
  const server = await startImapServer({ host: '127.0.0.1', port: 0, store, accounts, logger: silentLogger, ...options });
  return {
    store,
    dataDir,
    accounts,
    server,
    port: server.port,
    close: async () => {
      await server.close();
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function sampleMessage(subject: string, body = 'Hello from the test.\r\n', from = `carol@${DOMAIN}`, to = `alice@${DOMAIN}`): Buffer {
  return Buffer.from(
    [
      `From: Carol <${from}>`,
      `To: <${to}>`,
      `Subject: ${subject}`,
      `Date: Tue, 01 Dec 2026 10:00:00 +0000`,
      `Message-ID: <${subject.replace(/\W+/g, '-')}-${Math.random().toString(36).slice(2)}@${DOMAIN}>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
    ].join('\r\n'),
  );
}

/** A raw IMAP connection that collects lines, for protocol-level tests. */
export class RawImapClient {
  readonly socket: net.Socket;
  #buffer = '';
  #waiters: Array<() => void> = [];
  #closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      this.#buffer += text;
      this.#notify();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#notify();
    });
    socket.on('error', () => {
      // The close event follows and is what tests observe.
    });
  }

  static async connect(port: number): Promise<RawImapClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const client = new RawImapClient(socket);
    await client.readLine(); // greeting
    return client;
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Next complete line (without CRLF). */
  async readLine(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.#buffer.indexOf('\r\n');
      if (end !== -1) {
        const line = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        return line;
      }
      if (this.#closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.#buffer)}`);
      await this.#wait(deadline);
    }
  }

  /** Sends `tag command` and collects lines up to and including the tagged reply. */
  async command(tag: string, text: string | Buffer): Promise<string[]> {
    this.write(Buffer.isBuffer(text) ? Buffer.concat([Buffer.from(`${tag} `), text, Buffer.from('\r\n')]) : `${tag} ${text}\r\n`);
    return this.readUntilTagged(tag);
  }

  async readUntilTagged(tag: string): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.readLine();
      lines.push(line);
      if (line.startsWith(`${tag} `)) return lines;
    }
  }

  close(): void {
    this.socket.destroy();
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }

  #wait(deadline: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a line; buffered: ${JSON.stringify(this.#buffer.slice(0, 200))}`)), Math.max(0, deadline - Date.now()));
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
