// A minimal IMAP client for byte-exact tests: sends one tagged command line and collects the raw response
// bytes (literals included) up to its tagged status line. Thunderbird's exact command forms are sent this way.
import * as net from 'node:net';

export interface RawResponse {
  /** Everything the server sent for the command, untagged lines and literals included, as latin1 text. */
  text: string;
  /** The raw bytes of `text`. */
  bytes: Buffer;
  /** The tagged status line without CRLF, e.g. `a3 OK [COPYUID 1 2 3] COPY completed`. */
  tagged: string;
}

export class RawImapClient {
  private readonly socket: net.Socket;
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private closed = false;
  private tagCounter = 0;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  static async connect(port: number): Promise<RawImapClient> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawImapClient(socket);
    await client.readUntil((text) => text.includes('\r\n')); // greeting
    client.buffer = Buffer.alloc(0);
    return client;
  }

  /** Sends `tag text` and resolves with the response; literals in the command are not supported. */
  async command(line: string): Promise<RawResponse> {
    const tag = `t${++this.tagCounter}`;
    this.socket.write(`${tag} ${line}\r\n`);
    const end = await this.readUntil((received) => findTaggedEnd(received, tag));
    const bytes = this.buffer.subarray(0, end);
    this.buffer = this.buffer.subarray(end);
    const text = bytes.toString('latin1');
    const taggedStart = text.lastIndexOf(`\r\n${tag} `) === -1 ? 0 : text.lastIndexOf(`\r\n${tag} `) + 2;
    return { text, bytes, tagged: text.slice(taggedStart).trimEnd() };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.socket.end();
    await this.readUntil(() => this.closed);
  }

  private async readUntil<T>(check: (text: string) => T | undefined | false): Promise<T> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = check(this.buffer.toString('latin1'));
      if (found !== undefined && found !== false) return found;
      if (this.closed) throw new Error(`connection closed; received: ${this.buffer.toString('latin1')}`);
      if (Date.now() > deadline) throw new Error(`timed out; received: ${this.buffer.toString('latin1')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }
}

/** Offset after the tagged line of `tag`, skipping literal contents so a literal cannot fake a tag. */
function findTaggedEnd(text: string, tag: string): number | undefined {
  let offset = 0;
  while (offset < text.length) {
    const lineEnd = text.indexOf('\r\n', offset);
    if (lineEnd === -1) return undefined;
    const line = text.slice(offset, lineEnd);
    const literal = /\{(\d+)\}$/.exec(line);
    if (literal) {
      offset = lineEnd + 2 + Number(literal[1]);
      continue; // the response line goes on after the literal
    }
    if (line.startsWith(`${tag} `)) return lineEnd + 2;
    offset = lineEnd + 2;
  }
  return undefined;
}
