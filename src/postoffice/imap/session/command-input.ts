// The input side of one IMAP connection: the incremental parser the client's bytes go into, the wait for
// more of them, and the parser's line mode for AUTHENTICATE's responses (RFC 3501 §6.2.2) and IDLE's DONE
// (RFC 2177). The session's command loop reads through it one command at a time, so pipelined commands
// wait in the parser's buffer until their turn.
import { CommandParser, type CommandParserOptions } from '../protocol/command-parser.ts';
import type { ParseResult } from '../protocol/protocol-types.ts';
import { ConnectionClosedError } from './dispatcher.ts';
import { ImapError } from './imap-error.ts';
import { oneLine } from './status-line.ts';

export class CommandInput {
  readonly #parserOptions: CommandParserOptions;
  /** The session's closed flag: a reader waiting on a closed connection must fail, not hang. */
  readonly #isClosed: () => boolean;
  #parser: CommandParser;
  #wakeReader: (() => void) | undefined;

  constructor(parserOptions: CommandParserOptions, isClosed: () => boolean) {
    this.#parserOptions = parserOptions;
    this.#isClosed = isClosed;
    this.#parser = new CommandParser(parserOptions);
  }

  next(): ParseResult {
    return this.#parser.next();
  }

  /** Bytes received but not yet parsed into a command. */
  get bufferedBytes(): number {
    return this.#parser.bufferedBytes;
  }

  /** Forgets everything received so far: bytes from before a STARTTLS or COMPRESS switch must never run. */
  discardBuffered(): void {
    this.#parser = new CommandParser(this.#parserOptions);
  }

  leaveLineMode(): void {
    this.#parser.setLineMode(false);
  }

  push(chunk: Buffer): void {
    this.#parser.push(chunk);
    this.wake();
  }

  /** Lets a waiting reader look again: data arrived or the connection closed. */
  wake(): void {
    const wake = this.#wakeReader;
    this.#wakeReader = undefined;
    wake?.();
  }

  waitForData(): Promise<void> {
    if (this.#isClosed()) return Promise.reject(new ConnectionClosedError());
    return new Promise((resolve) => {
      this.#wakeReader = resolve;
    });
  }

  /** One line of text in line mode (after the session sent its continuation request). */
  async readLine(): Promise<string> {
    this.#parser.setLineMode(true);
    try {
      for (;;) {
        if (this.#isClosed()) throw new ConnectionClosedError();
        const result = this.#parser.next();
        if (result.kind === 'line') return result.text;
        if (result.kind === 'need-more') {
          await this.waitForData();
          continue;
        }
        if (result.kind === 'error') throw new ImapError('BAD', oneLine(result.message));
        throw new ImapError('BAD', 'Expected a line of text');
      }
    } finally {
      this.#parser.setLineMode(false);
    }
  }
}
