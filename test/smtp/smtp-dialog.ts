// A minimal line-level SMTP client for tests that need to say exactly what a real client would not
// (garbage commands, DATA before RCPT, overlong lines) and read each reply (RFC 5321 §4.2 multi-line form).
import net from 'node:net';

export interface SmtpReply {
  code: number;
  /** The text of the last line, without code and separator. */
  text: string;
  lines: string[];
}

type Waiter = { resolve: (reply: SmtpReply) => void; reject: (error: Error) => void };

export class SmtpDialog {
  readonly greeting: SmtpReply;
  readonly #socket: net.Socket;
  readonly #replies: SmtpReply[];
  readonly #waiting: Waiter[];
  #closed = false;

  private constructor(socket: net.Socket, greeting: SmtpReply, replies: SmtpReply[], waiting: Waiter[]) {
    this.#socket = socket;
    this.greeting = greeting;
    this.#replies = replies;
    this.#waiting = waiting;
  }

  static connect(port: number, host = '127.0.0.1'): Promise<SmtpDialog> {
    const socket = net.connect(port, host);
    const replies: SmtpReply[] = [];
    const waiting: Waiter[] = [];
    let buffer = '';
    let pending: string[] = [];
    let dialog: SmtpDialog | undefined;
    const deliver = (reply: SmtpReply): void => {
      const waiter = waiting.shift();
      if (waiter) waiter.resolve(reply);
      else replies.push(reply);
    };
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let newline: number;
      while ((newline = buffer.indexOf('\r\n')) !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        pending.push(line);
        if (/^\d{3}( |$)/.test(line)) {
          deliver({ code: Number(line.slice(0, 3)), text: line.slice(4), lines: pending });
          pending = [];
        }
      }
    });
    const fail = (error: Error): void => {
      if (dialog) dialog.#closed = true;
      for (const waiter of waiting.splice(0)) waiter.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed by the server')));
    return new Promise((resolve, reject) => {
      waiting.push({
        resolve: (greeting) => {
          dialog = new SmtpDialog(socket, greeting, replies, waiting);
          resolve(dialog);
        },
        reject,
      });
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one command line (CRLF added) and resolves its reply. */
  command(line: string): Promise<SmtpReply> {
    return this.write(`${line}\r\n`);
  }

  /** Sends raw bytes and resolves the next reply. */
  write(data: string | Buffer): Promise<SmtpReply> {
    const reply = this.nextReply();
    this.#socket.write(data);
    return reply;
  }

  nextReply(): Promise<SmtpReply> {
    const queued = this.#replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#closed) return Promise.reject(new Error('connection closed by the server'));
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  close(): void {
    this.#socket.destroy();
  }
}
