// The output side of one IMAP connection: the socket responses go out on, gathered into one write per
// event-loop tick; the switches the session makes after a tagged OK (RFC 3501 §6.2.1 STARTTLS, RFC 4978
// COMPRESS=DEFLATE through deflate-layer.ts); backpressure; and ending the connection. The session keeps the
// parser and the command loop; this class only knows which stream carries the bytes.
import * as tls from 'node:tls';
import type { Socket } from 'node:net';
import { DeflateLayer } from './deflate-layer.ts';

export interface SessionTransportOptions {
  socket: Socket;
  /** The session's reader: receives the client's plain bytes (after TLS and inflating). */
  onData: (chunk: Buffer) => void;
  onError: (error: Error) => void;
  onClose: () => void;
}

export class SessionTransport {
  readonly #rawSocket: Socket;
  readonly #onData: (chunk: Buffer) => void;
  readonly #onError: (error: Error) => void;
  readonly #onClose: () => void;
  /** The TCP socket, or the TLS socket wrapping it after STARTTLS. */
  #socket: Socket;
  #compression: DeflateLayer | undefined;
  /** Responses written during this tick, sent as one socket write (see write()). */
  #output: Buffer[] = [];
  #outputScheduled = false;

  constructor(options: SessionTransportOptions) {
    this.#rawSocket = options.socket;
    this.#socket = options.socket;
    this.#onData = options.onData;
    this.#onError = options.onError;
    this.#onClose = options.onClose;
  }

  /** Starts delivering the client's bytes, errors and the close to the session. */
  listen(): void {
    this.#rawSocket.on('data', this.#onData);
    this.#rawSocket.on('error', this.#onError);
    this.#rawSocket.on('close', this.#onClose);
  }

  get compressed(): boolean {
    return this.#compression !== undefined;
  }

  write(bytes: Buffer): void {
    if (this.#socket.writableEnded || this.#socket.destroyed) return;
    if (this.#compression) {
      // The deflater gathers a tick's writes itself (one Z_SYNC_FLUSH per tick, deflate-layer.ts).
      this.flush();
      this.#compression.write(bytes);
      return;
    }
    // A command's untagged lines, the change flush and the tagged reply come in one tick: one write system
    // call for all of them instead of one per line (a tenth of the CPU under a mixed workload went there).
    this.#output.push(bytes);
    if (!this.#outputScheduled) {
      this.#outputScheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  /** Sends what write() gathered; also called before anything that changes the socket (close, TLS, COMPRESS). */
  flush(): void {
    this.#outputScheduled = false;
    if (this.#output.length === 0) return;
    const chunks = this.#output;
    this.#output = [];
    if (this.#socket.writableEnded || this.#socket.destroyed) return;
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (this.#compression) this.#compression.write(bytes);
    else this.#socket.write(bytes);
  }

  /** True while a big response is still queued: the session should wait in drained() before reading on. */
  get needsDrain(): boolean {
    return (this.#compression?.output ?? this.#socket).writableNeedDrain;
  }

  /**
   * Backpressure: neither read nor run the next command while a big response is still queued, so a client
   * that pipelines without reading cannot make us buffer without bound. Resolves on drain or close.
   */
  async drained(): Promise<void> {
    const output = this.#compression?.output ?? this.#socket;
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

  /** STARTTLS accepted: from now on the raw socket carries TLS and only the TLS socket's plain bytes are read. */
  upgradeToTls(secureContext: tls.SecureContext): void {
    this.#rawSocket.off('data', this.#onData);
    const secureSocket = new tls.TLSSocket(this.#rawSocket, { isServer: true, secureContext });
    secureSocket.on('data', this.#onData);
    secureSocket.on('error', this.#onError);
    this.#socket = secureSocket;
  }

  /**
   * COMPRESS accepted (RFC 4978 §3): DEFLATE in both directions from here on. A broken stream cannot be
   * resynchronised, so after `onFailure` the connection is destroyed.
   */
  startCompression(onFailure: (error: Error) => void): void {
    this.#compression = new DeflateLayer({
      transport: this.#socket,
      onPlain: this.#onData,
      onError: (error) => {
        onFailure(error);
        this.#rawSocket.destroy();
      },
    });
  }

  /** Ends the connection after what was written; a client that never reads cannot keep it (or close()) alive. */
  end(): void {
    this.flush();
    if (this.#compression) this.#compression.end();
    else this.#socket.end();
    setTimeout(() => this.#rawSocket.destroy(), 2_000).unref();
  }

  /** After the socket closed: only now, since until then the compressor may still be finishing the last responses (BYE). */
  dispose(): void {
    this.#compression?.destroy();
  }
}
