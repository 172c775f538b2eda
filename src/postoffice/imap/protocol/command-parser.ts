// Incremental IMAP command parser (RFC 3501 §9 `command`, RFC 7888 LITERAL+, RFC 3516 `literal8`).
// Bytes go in with push(); next() hands back one result at a time: a complete CommandRequest, a request
// for a `+` continuation (synchronizing literal), a raw line (line mode, for IDLE/AUTHENTICATE), or an
// error after which the broken line has been skipped so the next command parses normally. It never
// throws on client input: every malformed byte sequence becomes a `{kind:'error'}` result.
import { ByteQueue } from './byte-queue.ts';
import { LineSyntaxError, newCommand, readTag, tokenizeSegment, type CommandInProgress } from './command-line-tokenizer.ts';
import type { ParseResult } from './protocol-types.ts';

export interface CommandParserOptions {
  /** Longest command text (all segments, literals excluded) accepted; default 65536 + 1024. */
  maxLineBytes?: number;
  /** Largest single literal accepted; default 64 MiB. */
  maxLiteralBytes?: number;
  /** Largest sum of the literals of one command (bounds memory per command); default 2 x maxLiteralBytes. */
  maxCommandLiteralBytes?: number;
  /**
   * LITERAL- (RFC 7888 §5): larger non-synchronizing literals are read, skipped and the command answered
   * `BAD [TOOBIG]`. Default: no limit beyond maxLiteralBytes (LITERAL+).
   */
  maxNonSynchronizingLiteralBytes?: number;
}

const LINE_FEED = 0x0a;
/** Enough trailing bytes of a skipped line to recognise a `~{nnnnnnnnnnnn+}\r` announcement. */
const TAIL_BYTES = 32;
/** The tag of a too-long line is read from its first bytes only, however the line arrived. */
const TAG_PEEK_BYTES = 256;

interface LiteralAnnouncement {
  /** Offset of `{` (or `~`) in the segment. */
  start: number;
  /** Infinity when the digits do not fit any sane size. */
  size: number;
  synchronizing: boolean;
  /** `~{n}`: a literal8 (RFC 3516), which may carry NUL bytes. */
  binary: boolean;
}

/**
 * A line that outgrew the limit before its end arrived. It is answered when its end is seen, exactly as if
 * it had arrived in one read: the reply must not depend on how TCP cut the stream.
 */
interface OverlongLine {
  /** The line's first bytes, for its tag. */
  head: Buffer;
  /** The tag of the command the line continues (after a literal), if any. */
  commandTag: string | undefined;
  /** The line was read in line mode (no tag, no literal to skip). */
  lineMode: boolean;
}

type ParserState =
  | { kind: 'command' }
  | { kind: 'literal'; size: number; binary: boolean }
  /** Discarding the rest of a broken line; `tail` holds its last bytes to spot a `{n+}` announcement. */
  | { kind: 'skip-line'; tail: Buffer; overlong?: OverlongLine }
  | { kind: 'skip-literal'; remaining: number }
  /** After a fatal error: everything is discarded, the session must close the connection. */
  | { kind: 'dead' };

/** `{n}`, `{n+}`, `~{n}` or `~{n+}` at the very end of a line (CRLF already removed). */
export function findLiteralAnnouncement(segment: Buffer): LiteralAnnouncement | undefined {
  const tailStart = Math.max(0, segment.length - TAIL_BYTES);
  const match = /(~?)\{([0-9]+)(\+?)\}$/.exec(segment.toString('latin1', tailStart));
  if (!match) return undefined;
  const digits = match[2];
  const size = digits.length > 15 ? Infinity : Number(digits);
  return { start: tailStart + match.index, size, synchronizing: match[3] !== '+', binary: match[1] === '~' };
}

function extendHead(overlong: OverlongLine, more: Buffer): void {
  if (overlong.head.length >= TAG_PEEK_BYTES) return;
  overlong.head = Buffer.concat([overlong.head, more.subarray(0, TAG_PEEK_BYTES - overlong.head.length)]);
}

function stripLineEnd(line: Buffer): Buffer {
  let end = line.length;
  if (end > 0 && line[end - 1] === LINE_FEED) end--;
  if (end > 0 && line[end - 1] === 0x0d) end--;
  return line.subarray(0, end);
}

export class CommandParser {
  private readonly maxLineBytes: number;
  private readonly maxLiteralBytes: number;
  private readonly maxCommandLiteralBytes: number;
  private readonly maxNonSynchronizingLiteralBytes: number;
  private readonly queue = new ByteQueue();
  private state: ParserState = { kind: 'command' };
  private command: CommandInProgress = newCommand();
  /** Bytes of the current segment already searched for LF, so byte-at-a-time input stays linear. */
  private scannedBytes = 0;
  private lineMode = false;

  constructor(options: CommandParserOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? 65536 + 1024;
    this.maxLiteralBytes = options.maxLiteralBytes ?? 64 * 1024 * 1024;
    this.maxCommandLiteralBytes = options.maxCommandLiteralBytes ?? 2 * this.maxLiteralBytes;
    this.maxNonSynchronizingLiteralBytes = options.maxNonSynchronizingLiteralBytes ?? Infinity;
  }

  push(chunk: Buffer): void {
    if (this.state.kind === 'dead') return;
    this.queue.push(chunk);
  }

  /** While on, complete lines come back as `{kind:'line'}` (IDLE's DONE, AUTHENTICATE responses). */
  setLineMode(on: boolean): void {
    this.lineMode = on;
  }

  /** Bytes received but not yet consumed (for diagnostics). */
  get bufferedBytes(): number {
    return this.queue.length;
  }

  next(): ParseResult {
    for (;;) {
      const state = this.state;
      switch (state.kind) {
        case 'dead':
          return { kind: 'need-more' };
        case 'skip-literal': {
          const count = Math.min(state.remaining, this.queue.length);
          this.queue.skip(count);
          state.remaining -= count;
          if (state.remaining > 0) return { kind: 'need-more' };
          this.state = { kind: 'skip-line', tail: Buffer.alloc(0) };
          continue;
        }
        case 'skip-line': {
          const lineEnd = this.queue.indexOf(LINE_FEED);
          if (lineEnd === -1) {
            const discarded = this.queue.take(this.queue.length);
            if (state.overlong) extendHead(state.overlong, discarded);
            state.tail = Buffer.concat([state.tail, discarded.subarray(Math.max(0, discarded.length - TAIL_BYTES))]);
            state.tail = state.tail.subarray(Math.max(0, state.tail.length - TAIL_BYTES));
            return { kind: 'need-more' };
          }
          const rest = this.queue.take(lineEnd + 1);
          const lineTail = stripLineEnd(Buffer.concat([state.tail, rest.subarray(Math.max(0, rest.length - TAIL_BYTES))]));
          const overlong = state.overlong;
          if (overlong) extendHead(overlong, stripLineEnd(rest));
          if (overlong === undefined) {
            this.state = this.stateAfterBrokenLine(lineTail);
            continue;
          }
          this.state = { kind: 'command' };
          const message = `line too long (limit ${this.maxLineBytes} bytes)`;
          if (overlong.lineMode) return { kind: 'error', tag: undefined, message };
          return this.failLine(overlong.commandTag ?? readTag(overlong.head), message, findLiteralAnnouncement(lineTail));
        }
        case 'literal': {
          if (this.queue.length < state.size) return { kind: 'need-more' };
          const value = this.queue.take(state.size);
          const stack = this.command.stack;
          stack[stack.length - 1].push(state.binary ? { type: 'string', value, literal: true, binary: true } : { type: 'string', value, literal: true });
          this.command.needSeparator = true;
          this.state = { kind: 'command' };
          continue;
        }
        case 'command': {
          const result = this.nextSegment();
          if (result) return result;
          continue;
        }
      }
    }
  }

  /** Reads one line of the current command; undefined means "go round again". */
  private nextSegment(): ParseResult | undefined {
    const command = this.command;
    const lineEnd = this.queue.indexOf(LINE_FEED, this.scannedBytes);
    if (lineEnd === -1) {
      this.scannedBytes = this.queue.length;
      // +1: a CR whose LF has not arrived yet is not part of the line.
      if (command.lineBytes + this.queue.length <= this.maxLineBytes + 1) return { kind: 'need-more' };
      // Too long already: keep only what the answer needs instead of buffering the rest of the line.
      const discarded = this.queue.take(this.queue.length);
      this.scannedBytes = 0;
      const overlong: OverlongLine = { head: discarded.subarray(0, TAG_PEEK_BYTES), commandTag: command.tag, lineMode: command.phase === 'tag' && this.lineMode };
      this.command = newCommand();
      this.state = { kind: 'skip-line', tail: discarded.subarray(Math.max(0, discarded.length - TAIL_BYTES)), overlong };
      return { kind: 'need-more' };
    }
    this.scannedBytes = 0;
    const segment = stripLineEnd(this.queue.take(lineEnd + 1));
    const fresh = command.phase === 'tag';
    if (fresh && this.lineMode) {
      if (segment.length > this.maxLineBytes) return { kind: 'error', tag: undefined, message: `line too long (limit ${this.maxLineBytes} bytes)` };
      return { kind: 'line', text: segment.toString('utf8') };
    }
    if (fresh && segment.length === 0) return undefined; // stray blank lines are ignored, as Dovecot does
    const announcement = findLiteralAnnouncement(segment);
    if (command.lineBytes + segment.length > this.maxLineBytes) {
      return this.failLine(command.tag ?? readTag(segment.subarray(0, TAG_PEEK_BYTES)), `line too long (limit ${this.maxLineBytes} bytes)`, announcement);
    }
    command.lineBytes += segment.length;
    try {
      tokenizeSegment(announcement ? segment.subarray(0, announcement.start) : segment, command, announcement !== undefined);
    } catch (error) {
      if (!(error instanceof LineSyntaxError)) throw error;
      return this.failLine(command.tag ?? readTag(segment), error.message, announcement);
    }
    if (!announcement) {
      if (command.stack.length !== 1) return this.failLine(command.tag, 'unbalanced "(": missing ")"', undefined);
      this.command = newCommand();
      return {
        kind: 'request',
        request: { tag: command.tag as string, name: command.name as string, uid: command.uid, args: command.stack[0] },
      };
    }
    const overLimit = announcement.size > this.maxLiteralBytes
      ? `literal of ${announcement.size} bytes exceeds the limit of ${this.maxLiteralBytes} bytes`
      : command.literalBytes + announcement.size > this.maxCommandLiteralBytes
        ? `literals of one command exceed ${this.maxCommandLiteralBytes} bytes in total`
        : undefined;
    if (overLimit) {
      const message = overLimit;
      this.command = newCommand();
      if (announcement.synchronizing) return { kind: 'error', tag: command.tag, message };
      this.state = { kind: 'dead' };
      this.queue.clear();
      return { kind: 'error', tag: command.tag, message, fatal: true };
    }
    if (!announcement.synchronizing && announcement.size > this.maxNonSynchronizingLiteralBytes) {
      // RFC 7888 §4 choice 1: read the literal (failLine skips it) and reject the command.
      const limit = `non-synchronizing literals are limited to ${this.maxNonSynchronizingLiteralBytes} bytes (LITERAL-); send {${announcement.size}} and wait for "+"`;
      const failure = this.failLine(command.tag, limit, announcement);
      return failure.kind === 'error' ? { ...failure, code: 'TOOBIG' } : failure;
    }
    command.literalBytes += announcement.size;
    this.state = { kind: 'literal', size: announcement.size, binary: announcement.binary };
    if (announcement.synchronizing) return { kind: 'need-literal', size: announcement.size };
    return undefined;
  }

  /** Abandons the current command whose line has been read; skips a following non-synchronizing literal. */
  private failLine(tag: string | undefined, message: string, announcement: LiteralAnnouncement | undefined): ParseResult {
    this.command = newCommand();
    if (announcement && !announcement.synchronizing) {
      if (!Number.isFinite(announcement.size)) {
        this.state = { kind: 'dead' };
        this.queue.clear();
        return { kind: 'error', tag, message: `${message}; cannot skip a literal of unbounded size`, fatal: true };
      }
      this.state = { kind: 'skip-literal', remaining: announcement.size };
    }
    return { kind: 'error', tag, message };
  }

  /** A broken line ended: a `{n+}` at its end means n literal bytes (and more line) follow. */
  private stateAfterBrokenLine(lineTail: Buffer): ParserState {
    const announcement = findLiteralAnnouncement(lineTail);
    if (announcement && !announcement.synchronizing && Number.isFinite(announcement.size)) {
      return { kind: 'skip-literal', remaining: announcement.size };
    }
    return { kind: 'command' };
  }
}
