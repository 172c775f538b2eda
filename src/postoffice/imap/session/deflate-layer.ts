// COMPRESS=DEFLATE (RFC 4978): raw DEFLATE (RFC 1951, no zlib header) in both directions over the session's
// transport (the TCP socket, or the TLS socket: compression sits inside TLS, §3). Every write is followed,
// once per event-loop turn, by a Z_SYNC_FLUSH, so a response (an IDLE push above all) reaches the client at
// once instead of waiting in the compressor for more data. The compressor is tuned small (level 1, 4 KiB
// window, memLevel 5: about 40 KiB per session instead of ~270 KiB) because a swarm holds many sessions and
// IMAP responses compress well anyway; inflating must accept the client's full 32 KiB window.
import type { Duplex, Writable } from 'node:stream';
import * as zlib from 'node:zlib';

export interface DeflateLayerOptions {
  /** The socket (TCP or TLS): compressed bytes go out on it and come in from it; ended when the layer ends. */
  transport: Duplex;
  /** Receives the client's bytes after inflating; it was the transport's 'data' listener until now. */
  onPlain: (chunk: Buffer) => void;
  /** The client's stream is not valid DEFLATE, or zlib failed. */
  onError: (error: Error) => void;
}

export class DeflateLayer {
  readonly #deflater: zlib.DeflateRaw;
  readonly #inflater: zlib.InflateRaw;
  #flushScheduled = false;

  constructor(options: DeflateLayerOptions) {
    this.#deflater = zlib.createDeflateRaw({ level: 1, windowBits: 12, memLevel: 5 });
    this.#inflater = zlib.createInflateRaw();
    this.#deflater.pipe(options.transport);
    this.#inflater.on('data', options.onPlain);
    // From here on the transport carries DEFLATE: its bytes go through the inflater first.
    options.transport.off('data', options.onPlain);
    options.transport.on('data', (chunk: Buffer) => this.#receive(chunk));
    this.#inflater.on('error', options.onError);
    this.#deflater.on('error', options.onError);
  }

  #receive(chunk: Buffer): void {
    if (!this.#inflater.destroyed) this.#inflater.write(chunk);
  }

  /** Response bytes to the client; flushed (Z_SYNC_FLUSH) before the event loop next waits for I/O. */
  write(bytes: Buffer): void {
    if (this.#deflater.writableEnded || this.#deflater.destroyed) return;
    this.#deflater.write(bytes);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#deflater.flush(zlib.constants.Z_SYNC_FLUSH);
    });
  }

  /** The writable side the session waits on for backpressure. */
  get output(): Writable {
    return this.#deflater;
  }

  /** Finishes the stream (Z_FINISH) and then ends the transport. */
  end(): void {
    if (!this.#deflater.writableEnded) this.#deflater.end();
  }

  destroy(): void {
    this.#deflater.destroy();
    this.#inflater.destroy();
  }
}
