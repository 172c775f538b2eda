// COMPRESS=DEFLATE (RFC 4978) with a raw client that inflates what it reads and deflates what it writes: the
// tagged OK is the last plain line, then every byte both ways is raw DEFLATE (§3); a second COMPRESS is BAD;
// IDLE pushes arrive without the client sending anything (the server ends each burst with Z_SYNC_FLUSH);
// big literals, LOGOUT's BYE, STARTTLS first and compression inside TLS (§3), and imapflow, which
// negotiates COMPRESS by itself whenever it is advertised.
import * as tls from 'node:tls';
import * as zlib from 'node:zlib';
import type { Duplex } from 'node:stream';
import { ImapFlow } from 'imapflow';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { RawImapClient, sampleMessage, startTestServer, type TestServer } from './imap-test-server.ts';

let server: TestServer | undefined;
const closers: Array<() => void> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await server?.close();
  server = undefined;
});

/** An IMAP client speaking DEFLATE over `transport` (after COMPRESS DEFLATE was answered OK). */
class CompressedClient {
  readonly #deflater = zlib.createDeflateRaw();
  readonly #inflater = zlib.createInflateRaw();
  #text = '';
  #waiters: Array<() => void> = [];
  #ended = false;
  /** Compressed bytes received, to show that compression really happened. */
  compressedBytes = 0;

  constructor(transport: Duplex) {
    transport.removeAllListeners('data');
    // RawImapClient reads its socket as latin1 text: turn that back into the bytes it was.
    transport.on('data', (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
      this.compressedBytes += bytes.length;
      this.#inflater.write(bytes);
    });
    // Inflating runs on the thread pool: the socket can close before the last bytes come out of the inflater,
    // so the stream ends when the inflater has given everything back (or failed on a cut-off stream).
    transport.on('close', () => this.#inflater.end());
    this.#inflater.on('error', () => this.#notify(true));
    this.#deflater.pipe(transport);
    this.#inflater.on('data', (chunk: Buffer) => {
      this.#text += chunk.toString('latin1');
      this.#notify(false);
    });
    this.#inflater.on('end', () => this.#notify(true));
  }

  send(text: string): void {
    this.#deflater.write(text);
    this.#deflater.flush(zlib.constants.Z_SYNC_FLUSH);
  }

  async readLine(): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const end = this.#text.indexOf('\r\n');
      if (end !== -1) {
        const line = this.#text.slice(0, end);
        this.#text = this.#text.slice(end + 2);
        return line;
      }
      if (this.#ended) throw new Error(`stream ended; unread: ${JSON.stringify(this.#text)}`);
      if (Date.now() > deadline) throw new Error(`no line within 10 s; unread: ${JSON.stringify(this.#text.slice(0, 200))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Reads `count` octets of a literal whose `{n}` line was just read. */
  async readBytes(count: number): Promise<string> {
    while (this.#text.length < count && !this.#ended) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    const bytes = this.#text.slice(0, count);
    this.#text = this.#text.slice(count);
    return bytes;
  }

  async command(tag: string, text: string): Promise<string[]> {
    this.send(`${tag} ${text}\r\n`);
    const lines: string[] = [];
    for (;;) {
      const line = await this.readLine();
      lines.push(line);
      if (line.startsWith(`${tag} `)) return lines;
    }
  }

  get ended(): boolean {
    return this.#ended;
  }

  #notify(ended: boolean): void {
    if (ended) this.#ended = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }
}

async function compressedSession(port: number): Promise<CompressedClient> {
  const plain = await RawImapClient.connect(port);
  closers.push(() => plain.close());
  expect((await plain.command('l', 'LOGIN alice alice-secret')).at(-1)).toMatch(/^l OK/);
  expect(await plain.command('z', 'COMPRESS DEFLATE')).toEqual(['z OK DEFLATE active']);
  return new CompressedClient(plain.socket);
}

describe('COMPRESS=DEFLATE (RFC 4978)', () => {
  it('compresses both directions after the tagged OK and refuses a second COMPRESS', async () => {
    server = await startTestServer();
    server.store.deliver([{ account: 'alice@swarm.local' }], sampleMessage('first'));
    const client = await compressedSession(server.port);
    const selected = await client.command('s', 'SELECT INBOX');
    expect(selected).toContain('* 1 EXISTS');
    expect(selected.at(-1)).toBe('s OK [READ-WRITE] SELECT completed');
    expect(await client.command('z', 'COMPRESS DEFLATE')).toEqual(['z BAD [COMPRESSIONACTIVE] DEFLATE compression is already active']);
    expect(client.compressedBytes).toBeGreaterThan(0);
    // LOGOUT's BYE and OK are the last compressed bytes (Z_FINISH), then the server closes.
    expect(await client.command('o', 'LOGOUT')).toEqual(['* BYE mailswarm logging out', 'o OK LOGOUT completed']);
    await expect(client.readLine()).rejects.toThrow(/stream ended/);
  });

  it('flushes IDLE pushes at once', async () => {
    server = await startTestServer();
    const client = await compressedSession(server.port);
    await client.command('s', 'SELECT INBOX');
    client.send('i IDLE\r\n');
    expect(await client.readLine()).toBe('+ idling');
    server.store.deliver([{ account: 'alice@swarm.local' }], sampleMessage('pushed'));
    expect(await client.readLine()).toBe('* 1 EXISTS');
    expect(await client.readLine()).toBe('* 1 RECENT');
    client.send('DONE\r\n');
    expect(await client.readLine()).toBe('i OK IDLE terminated');
  });

  it('carries big literals exactly', async () => {
    server = await startTestServer();
    const body = Array.from({ length: 4000 }, (_, index) => `line ${index} ${'x'.repeat(index % 70)}`).join('\r\n') + '\r\n';
    const raw = sampleMessage('big', body);
    server.store.deliver([{ account: 'alice@swarm.local' }], raw);
    const client = await compressedSession(server.port);
    await client.command('s', 'EXAMINE INBOX');
    client.send('f FETCH 1 BODY.PEEK[]\r\n');
    const header = await client.readLine();
    expect(header).toBe(`* 1 FETCH (BODY[] {${raw.length}}`);
    expect(await client.readBytes(raw.length)).toBe(raw.toString('latin1'));
    expect(await client.readLine()).toBe(')');
    expect(await client.readLine()).toBe('f OK FETCH completed');
    expect(client.compressedBytes).toBeLessThan(raw.length / 2);
  });

  it('compresses inside TLS after STARTTLS', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 });
    server = await startTestServer({ tls: { key: pems.private, cert: pems.cert } });
    const plain = await RawImapClient.connect(server.port);
    closers.push(() => plain.close());
    expect((await plain.command('t', 'STARTTLS')).at(-1)).toMatch(/^t OK/);
    const secure = tls.connect({ socket: plain.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    const login = new CompressedTlsLines(secure);
    expect((await login.command('l', 'LOGIN alice alice-secret')).at(-1)).toMatch(/^l OK/);
    expect(await login.command('z', 'COMPRESS DEFLATE')).toEqual(['z OK DEFLATE active']);
    const client = new CompressedClient(secure);
    expect((await client.command('n', 'NOOP')).at(-1)).toBe('n OK NOOP completed');
    secure.destroy();
  });

  it('is negotiated by imapflow on its own, which then works as before', async () => {
    server = await startTestServer();
    server.store.deliver([{ account: 'alice@swarm.local' }], sampleMessage('for imapflow'));
    const client = new ImapFlow({
      host: '127.0.0.1', port: server.port, secure: false, logger: false, disableAutoIdle: true,
      auth: { user: 'alice', pass: 'alice-secret' },
    });
    await client.connect();
    closers.push(() => client.close());
    // imapflow keeps its inflater in a private field once COMPRESS succeeded.
    expect((client as unknown as { _inflate?: unknown })._inflate).toBeTruthy();
    await client.mailboxOpen('INBOX');
    const message = await client.fetchOne('1', { envelope: true, source: true });
    expect(message && message.envelope?.subject).toBe('for imapflow');
    await client.logout();
  });
});

/** Plain lines over the TLS socket, before COMPRESS. */
class CompressedTlsLines {
  readonly #socket: tls.TLSSocket;
  #text = '';
  constructor(socket: tls.TLSSocket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#text += chunk.toString('latin1');
    });
  }

  async command(tag: string, text: string): Promise<string[]> {
    this.#socket.write(`${tag} ${text}\r\n`);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const lines = this.#text.split('\r\n');
      const done = lines.findIndex((line) => line.startsWith(`${tag} `));
      if (done !== -1) {
        this.#text = lines.slice(done + 1).join('\r\n');
        return lines.slice(0, done + 1);
      }
      if (Date.now() > deadline) throw new Error(`no reply to ${tag}: ${JSON.stringify(this.#text)}`);
      await new Promise((resolve) => this.#socket.once('data', resolve));
    }
  }
}
