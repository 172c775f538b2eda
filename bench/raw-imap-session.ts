// A minimal raw-socket IMAP client for the benchmarks (RFC 3501 LOGIN/SELECT, RFC 2177 IDLE): it logs in,
// selects INBOX and idles, timestamping every untagged `* N EXISTS` the moment its bytes arrive. The same
// code drives our post office and Dovecot, so neither server is favoured by a client library; it costs the
// bench process almost nothing per idle session, so 1,000 of them fit beside the measured one.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface ImapLogin {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface ExistsEvent {
  count: number;
  /** performance.now() when the chunk holding the line was read. */
  at: number;
}

const EXISTS_LINE = /^\* (\d+) EXISTS$/i;

export class RawImapSession {
  readonly user: string;
  #socket: net.Socket;
  #buffered = '';
  #nextTag = 1;
  #pendingTagged: { tag: string; resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  #pendingContinuation: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #untaggedWaiter: { pattern: RegExp; resolve: () => void; reject: (error: Error) => void } | undefined;
  #existsWaiters: Array<{ minimum: number; resolve: (event: ExistsEvent) => void; reject: (error: Error) => void }> = [];
  #closedError: Error | undefined;
  /** The last EXISTS count seen (from SELECT, then from IDLE pushes). */
  exists = 0;
  lastExistsAt = 0;

  private constructor(socket: net.Socket, user: string) {
    this.#socket = socket;
    this.user = user;
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.#onData(chunk, performance.now()));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error(`IMAP connection of ${user} closed`)));
  }

  /** Connects, LOGINs, SELECTs INBOX and enters IDLE; rejects with the server's words on any refusal. */
  static async openIdle(login: ImapLogin, timeoutMs = 30_000): Promise<RawImapSession> {
    const socket = net.connect({ host: login.host, port: login.port });
    const session = new RawImapSession(socket, login.user);
    const timer = setTimeout(() => session.#fail(new Error(`IMAP login of ${login.user} took over ${timeoutMs} ms`)), timeoutMs);
    try {
      await session.#untagged(/^\* OK/i);
      await session.#command(`LOGIN ${quote(login.user)} ${quote(login.password)}`);
      await session.#command('SELECT INBOX');
      await session.#idle();
      return session;
    } catch (error) {
      socket.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves with the first EXISTS push whose count is at least `minimum`. */
  waitForExists(minimum: number, timeoutMs = 30_000): Promise<ExistsEvent> {
    if (this.exists >= minimum) return Promise.resolve({ count: this.exists, at: this.lastExistsAt });
    if (this.#closedError) return Promise.reject(this.#closedError);
    return new Promise((resolve, reject) => {
      const waiter = {
        minimum,
        resolve: (event: ExistsEvent) => {
          clearTimeout(timer);
          resolve(event);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.#existsWaiters = this.#existsWaiters.filter((candidate) => candidate !== waiter);
        reject(new Error(`${this.user}: no "* ${minimum} EXISTS" within ${timeoutMs} ms (last count ${this.exists})`));
      }, timeoutMs);
      this.#existsWaiters.push(waiter);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: string, at: number): void {
    this.#buffered += chunk;
    let end: number;
    while ((end = this.#buffered.indexOf('\r\n')) >= 0) {
      const line = this.#buffered.slice(0, end);
      this.#buffered = this.#buffered.slice(end + 2);
      this.#onLine(line, at);
    }
  }

  #onLine(line: string, at: number): void {
    const exists = EXISTS_LINE.exec(line);
    if (exists) {
      this.exists = Number(exists[1]);
      this.lastExistsAt = at;
      const ready = this.#existsWaiters.filter((waiter) => this.exists >= waiter.minimum);
      this.#existsWaiters = this.#existsWaiters.filter((waiter) => this.exists < waiter.minimum);
      for (const waiter of ready) waiter.resolve({ count: this.exists, at });
    }
    if (this.#untaggedWaiter && this.#untaggedWaiter.pattern.test(line)) {
      const waiter = this.#untaggedWaiter;
      this.#untaggedWaiter = undefined;
      waiter.resolve();
      return;
    }
    if (line.startsWith('+') && this.#pendingContinuation) {
      const waiter = this.#pendingContinuation;
      this.#pendingContinuation = undefined;
      waiter.resolve();
      return;
    }
    const pending = this.#pendingTagged;
    if (pending && line.startsWith(`${pending.tag} `)) {
      this.#pendingTagged = undefined;
      if (/^\S+ OK/i.test(line)) pending.resolve(line);
      else pending.reject(new Error(`${this.user}: server answered "${line}"`));
    }
  }

  #untagged(pattern: RegExp): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#untaggedWaiter = { pattern, resolve, reject };
    });
  }

  #command(text: string): Promise<string> {
    const tag = `b${this.#nextTag++}`;
    return new Promise((resolve, reject) => {
      this.#pendingTagged = { tag, resolve, reject };
      this.#socket.write(`${tag} ${text}\r\n`);
    });
  }

  #idle(): Promise<void> {
    const tag = `b${this.#nextTag++}`;
    return new Promise((resolve, reject) => {
      this.#pendingContinuation = { resolve, reject };
      // A tagged answer instead of "+" means IDLE was refused.
      this.#pendingTagged = { tag, resolve: (line) => reject(new Error(`${this.user}: IDLE ended at once: ${line}`)), reject };
      this.#socket.write(`${tag} IDLE\r\n`);
    });
  }

  #fail(error: Error): void {
    if (this.#closedError) return;
    this.#closedError = error;
    this.#untaggedWaiter?.reject(error);
    this.#pendingTagged?.reject(error);
    this.#pendingContinuation?.reject(error);
    for (const waiter of this.#existsWaiters.splice(0)) waiter.reject(error);
    this.#socket.destroy();
  }
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (character) => `\\${character}`)}"`;
}

/** Opens `count` idle sessions, `parallel` logins at a time (servers refuse login storms). */
export async function openIdleSessions(logins: ImapLogin[], parallel: number, onProgress?: (opened: number) => void): Promise<RawImapSession[]> {
  const sessions: RawImapSession[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < logins.length) {
      const login = logins[next++]!;
      sessions.push(await RawImapSession.openIdle(login));
      onProgress?.(sessions.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, logins.length) }, worker));
  } catch (error) {
    for (const session of sessions) session.close();
    throw error;
  }
  return sessions;
}
