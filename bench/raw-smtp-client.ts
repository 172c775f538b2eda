// A minimal raw-socket SMTP client for the benchmarks (RFC 5321 §3.3 mail transaction, §4.5.2 dot-stuffing):
// one persistent connection, one transaction at a time, no pipelining. send() reports when the final "."
// was written and when the 250 to it arrived, so wake latency can be measured from the moment the sender
// knows the message is durable. The same code talks to our inbound port and to Postfix's smtpd.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface SmtpTiming {
  /** performance.now() right after the final "." was written. */
  dataSentAt: number;
  /** performance.now() when the 250 reply to the message data was read. */
  acceptedAt: number;
}

export class RawSmtpClient {
  #socket: net.Socket;
  #buffered = '';
  #replyLines: string[] = [];
  #waiter: { resolve: (reply: { code: number; text: string; at: number }) => void; reject: (error: Error) => void } | undefined;
  #closedError: Error | undefined;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.#onData(chunk, performance.now()));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('SMTP connection closed')));
  }

  static async connect(host: string, port: number): Promise<RawSmtpClient> {
    const client = new RawSmtpClient(net.connect({ host, port }));
    await client.#expect(220, undefined);
    await client.#expect(250, 'EHLO bench.localhost');
    return client;
  }

  /** One complete transaction; rejects with the server's reply when any step is refused. */
  async send(from: string, recipients: string[], message: Buffer): Promise<SmtpTiming> {
    await this.#expect(250, `MAIL FROM:<${from}>`);
    for (const recipient of recipients) await this.#expect(250, `RCPT TO:<${recipient}>`);
    await this.#expect(354, 'DATA');
    const reply = this.#reply();
    this.#socket.write(dotStuff(message));
    this.#socket.write('\r\n.\r\n');
    const dataSentAt = performance.now();
    const accepted = await reply;
    if (accepted.code !== 250) throw new Error(`SMTP message refused: ${accepted.code} ${accepted.text}`);
    return { dataSentAt, acceptedAt: accepted.at };
  }

  async quit(): Promise<void> {
    try {
      await this.#expect(221, 'QUIT');
    } finally {
      this.#socket.destroy();
    }
  }

  async #expect(code: number, command: string | undefined): Promise<void> {
    const reply = this.#reply();
    if (command !== undefined) this.#socket.write(`${command}\r\n`);
    const answer = await reply;
    if (answer.code !== code) throw new Error(`SMTP ${command ?? 'greeting'}: expected ${code}, got ${answer.code} ${answer.text}`);
  }

  #reply(): Promise<{ code: number; text: string; at: number }> {
    if (this.#closedError) return Promise.reject(this.#closedError);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  #onData(chunk: string, at: number): void {
    this.#buffered += chunk;
    let end: number;
    while ((end = this.#buffered.indexOf('\r\n')) >= 0) {
      const line = this.#buffered.slice(0, end);
      this.#buffered = this.#buffered.slice(end + 2);
      this.#replyLines.push(line);
      // "250-..." continues a multi-line reply, "250 ..." ends it (RFC 5321 §4.2.1).
      if (line.length >= 4 && line[3] === '-') continue;
      const text = this.#replyLines.join('\n');
      this.#replyLines = [];
      const waiter = this.#waiter;
      this.#waiter = undefined;
      if (!waiter) {
        this.#fail(new Error(`unexpected SMTP reply: ${text}`));
        return;
      }
      waiter.resolve({ code: Number(line.slice(0, 3)), text, at });
    }
  }

  #fail(error: Error): void {
    if (this.#closedError) return;
    this.#closedError = error;
    this.#waiter?.reject(error);
    this.#waiter = undefined;
    this.#socket.destroy();
  }
}

/** RFC 5321 §4.5.2: a line starting with "." gets one more. Bodies here are CRLF text. */
function dotStuff(message: Buffer): Buffer {
  const text = message.toString('latin1');
  const stuffed = text.replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(stuffed.endsWith('\r\n') ? stuffed.slice(0, -2) : stuffed, 'latin1');
}

/** A plain-text message of about `bytes` bytes, with a unique Message-ID. */
export function buildMessage(options: { from: string; to: string[]; subject: string; bytes: number; domain: string }): Buffer {
  const header = [
    `From: <${options.from}>`,
    `To: ${options.to.map((address) => `<${address}>`).join(', ')}`,
    `Subject: ${options.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${process.pid}.${performance.now().toFixed(3)}.${Math.random().toString(36).slice(2)}@${options.domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    '',
  ].join('\r\n');
  const line = 'The quick brown fox jumps over the lazy dog, then files a benchmark report.\r\n';
  let body = '';
  while (header.length + body.length < options.bytes) body += line;
  return Buffer.from(header + body.slice(0, Math.max(0, options.bytes - header.length - 2)) + '\r\n', 'latin1');
}
