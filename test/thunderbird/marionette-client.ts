// A minimal client for Gecko's Marionette remote protocol (the WebDriver-classic transport Firefox and
// Thunderbird embed): messages are `<byte length>:<JSON>` over TCP; the server greets with
// {"applicationType":"gecko","marionetteProtocol":3}; commands are [0, id, name, params] and answers
// [1, id, error, result]. Only what the Thunderbird test needs: a session, the chrome context, scripts.
import net from 'node:net';

export interface MarionetteError {
  error: string;
  message: string;
  stacktrace?: string;
}

export class MarionetteCommandError extends Error {
  override name = 'MarionetteCommandError';
  readonly remote: MarionetteError;

  constructor(command: string, remote: MarionetteError) {
    super(`${command} failed: ${remote.error}: ${remote.message}${remote.stacktrace ? `\n${remote.stacktrace}` : ''}`);
    this.remote = remote;
  }
}

interface PendingCommand {
  name: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class MarionetteClient {
  #socket: net.Socket;
  #buffer = Buffer.alloc(0);
  #nextId = 1;
  #pending = new Map<number, PendingCommand>();
  #greeting: Promise<Record<string, unknown>>;
  #resolveGreeting!: (value: Record<string, unknown>) => void;
  #closedError: Error | undefined;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    this.#greeting = new Promise((resolve) => (this.#resolveGreeting = resolve));
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#failAll(error));
    socket.on('close', () => this.#failAll(new Error('Marionette connection closed')));
  }

  /** Connects and waits for the server's greeting (protocol level 3 is what this client speaks). */
  static async connect(host: string, port: number): Promise<MarionetteClient> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const connection = net.connect({ host, port }, () => {
        connection.off('error', reject);
        resolve(connection);
      });
      connection.once('error', reject);
    });
    const client = new MarionetteClient(socket);
    const greeting = await client.#greeting;
    if (greeting.marionetteProtocol !== 3) {
      client.close();
      throw new Error(`unexpected Marionette greeting ${JSON.stringify(greeting)}`);
    }
    return client;
  }

  /** Sends one command and resolves with its result (rejects with the remote error and stack). */
  send<T = unknown>(name: string, params: Record<string, unknown> = {}): Promise<T> {
    if (this.#closedError) return Promise.reject(this.#closedError);
    const id = this.#nextId++;
    const body = Buffer.from(JSON.stringify([0, id, name, params]), 'utf8');
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { name, resolve: resolve as (value: unknown) => void, reject });
      this.#socket.write(Buffer.concat([Buffer.from(`${body.length}:`, 'ascii'), body]));
    });
  }

  async newSession(capabilities: Record<string, unknown> = {}): Promise<{ sessionId: string; capabilities: Record<string, unknown> }> {
    return this.send('WebDriver:NewSession', { capabilities: { alwaysMatch: capabilities } });
  }

  async setContext(context: 'chrome' | 'content'): Promise<void> {
    await this.send('Marionette:SetContext', { value: context });
  }

  async setScriptTimeout(milliseconds: number): Promise<void> {
    await this.send('WebDriver:SetTimeouts', { script: milliseconds });
  }

  /** Runs `script` as a function body; it returns its value. Arguments are `arguments[0..]`. */
  async executeScript<T = unknown>(script: string, args: unknown[] = []): Promise<T> {
    const answer = await this.send<{ value: T }>('WebDriver:ExecuteScript', { script, args, newSandbox: false });
    return answer.value;
  }

  /** Runs `script` as a function body whose last argument is the callback that delivers its result. */
  async executeAsyncScript<T = unknown>(script: string, args: unknown[] = []): Promise<T> {
    const answer = await this.send<{ value: T }>('WebDriver:ExecuteAsyncScript', { script, args, newSandbox: false });
    return answer.value;
  }

  async deleteSession(): Promise<void> {
    await this.send('WebDriver:DeleteSession');
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const colon = this.#buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.#buffer.subarray(0, colon).toString('ascii'));
      if (!Number.isInteger(length)) {
        this.#failAll(new Error(`bad Marionette frame header ${JSON.stringify(this.#buffer.subarray(0, colon).toString('latin1'))}`));
        this.#socket.destroy();
        return;
      }
      if (this.#buffer.length < colon + 1 + length) return;
      const json = this.#buffer.subarray(colon + 1, colon + 1 + length).toString('utf8');
      this.#buffer = this.#buffer.subarray(colon + 1 + length);
      this.#onMessage(JSON.parse(json) as unknown);
    }
  }

  #onMessage(message: unknown): void {
    if (!Array.isArray(message)) {
      this.#resolveGreeting(message as Record<string, unknown>);
      return;
    }
    const [type, id, error, result] = message as [number, number, MarionetteError | null, unknown];
    if (type !== 1) return;
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    if (error) pending.reject(new MarionetteCommandError(pending.name, error));
    else pending.resolve(result);
  }

  #failAll(error: Error): void {
    this.#closedError ??= error;
    for (const pending of this.#pending.values()) pending.reject(new Error(`${pending.name}: ${error.message}`));
    this.#pending.clear();
  }
}
