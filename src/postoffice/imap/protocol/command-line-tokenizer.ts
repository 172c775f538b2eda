// Tokenizes the text segments of one IMAP command (RFC 3501 §9 `command`, `tag`, `astring`, `quoted`,
// parenthesized lists). A command is split into segments at its literals: the parser hands each segment
// here (CRLF and the trailing `{n}` announcement already removed) and appends the literal bytes itself.
// The state lives in a CommandInProgress so a command can continue across segments.
import type { Token } from './protocol-types.ts';

/** Thrown only inside the protocol layer; the parser turns it into a `{kind:'error'}` result. */
export class LineSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineSyntaxError';
  }
}

export interface CommandInProgress {
  tag: string | undefined;
  name: string | undefined;
  uid: boolean;
  phase: 'tag' | 'verb' | 'args';
  /** stack[0] holds the top-level arguments; deeper entries are open parenthesized lists. */
  stack: Token[][];
  /** True right after a token: the next token needs a separating space first. */
  needSeparator: boolean;
  /** Non-literal bytes seen so far, for the line-length limit. */
  lineBytes: number;
  /** Literal bytes announced so far, for the per-command limit. */
  literalBytes: number;
}

export function newCommand(): CommandInProgress {
  return { tag: undefined, name: undefined, uid: false, phase: 'tag', stack: [[]], needSeparator: false, lineBytes: 0, literalBytes: 0 };
}

const SPACE = 0x20;
const OPEN = 0x28;
const CLOSE = 0x29;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;

function isControl(byte: number): boolean {
  return byte < 0x20 || byte === 0x7f;
}

/** tag = 1*<any ASTRING-CHAR except "+"> */
function isTagChar(byte: number): boolean {
  if (byte <= 0x20 || byte >= 0x7f) return false;
  return byte !== OPEN && byte !== CLOSE && byte !== OPEN_BRACE && byte !== 0x25 /* % */ &&
    byte !== 0x2a /* * */ && byte !== QUOTE && byte !== BACKSLASH && byte !== 0x2b /* + */;
}

/** The tag at the start of a line, if it has a well-formed one (used to address error responses). */
export function readTag(line: Buffer): string | undefined {
  let end = 0;
  while (end < line.length && isTagChar(line[end])) end++;
  if (end === 0 || (end < line.length && line[end] !== SPACE && line[end] !== 0x0d && line[end] !== 0x0a)) return undefined;
  return line.toString('latin1', 0, end);
}

/**
 * Consumes one segment. `literalFollows` says the segment was cut at a literal announcement, which must
 * sit where a new argument may start.
 */
export function tokenizeSegment(segment: Buffer, command: CommandInProgress, literalFollows: boolean): void {
  let position = 0;
  if (command.phase === 'tag') {
    const tag = readTag(segment);
    if (tag === undefined) throw new LineSyntaxError(segment.length === 0 || segment[0] === SPACE ? 'missing tag' : 'invalid tag');
    command.tag = tag;
    position = tag.length;
    command.phase = 'verb';
  }
  if (command.phase === 'verb') {
    position = readVerb(segment, position, command);
    command.phase = 'args';
    command.needSeparator = true;
  }
  const length = segment.length;
  while (position < length) {
    const byte = segment[position];
    if (byte === SPACE) {
      if (!command.needSeparator) throw new LineSyntaxError('unexpected extra space');
      command.needSeparator = false;
      position++;
      continue;
    }
    if (byte === CLOSE) {
      if (command.stack.length === 1) throw new LineSyntaxError('unbalanced ")"');
      const items = command.stack.pop() as Token[];
      command.stack[command.stack.length - 1].push({ type: 'list', items });
      command.needSeparator = true;
      position++;
      continue;
    }
    if (command.needSeparator) throw new LineSyntaxError('expected a space between arguments');
    const current = command.stack[command.stack.length - 1];
    if (byte === OPEN) {
      command.stack.push([]);
      position++;
      continue; // no separator needed after "("
    }
    if (byte === QUOTE) {
      position = readQuoted(segment, position, current);
    } else if (byte === OPEN_BRACE || (byte === 0x7e && segment[position + 1] === OPEN_BRACE)) {
      throw new LineSyntaxError('invalid literal: expected {number} or {number+} at the end of the line');
    } else {
      position = readAtom(segment, position, current);
    }
    command.needSeparator = true;
  }
  if (literalFollows) {
    if (command.needSeparator) throw new LineSyntaxError('a literal must follow a space or "("');
  }
}

function readVerb(segment: Buffer, start: number, command: CommandInProgress): number {
  const readWord = (from: number): { word: string; end: number } => {
    if (segment[from] !== SPACE) throw new LineSyntaxError('missing command name');
    let end = from + 1;
    while (end < segment.length && isTagChar(segment[end])) end++;
    if (end === from + 1) throw new LineSyntaxError('missing command name');
    if (end < segment.length && segment[end] !== SPACE) throw new LineSyntaxError('invalid command name');
    return { word: segment.toString('latin1', from + 1, end).toUpperCase(), end };
  };
  const first = readWord(start);
  if (first.word !== 'UID') {
    command.name = first.word;
    return first.end;
  }
  if (first.end >= segment.length) throw new LineSyntaxError('UID must be followed by a command');
  const second = readWord(first.end);
  command.uid = true;
  command.name = second.word;
  return second.end;
}

function readQuoted(segment: Buffer, start: number, into: Token[]): number {
  const bytes: number[] = [];
  let position = start + 1;
  while (position < segment.length) {
    const byte = segment[position];
    if (byte === QUOTE) {
      into.push({ type: 'string', value: Buffer.from(bytes), literal: false });
      return position + 1;
    }
    if (byte === BACKSLASH) {
      const escaped = segment[position + 1];
      if (escaped !== QUOTE && escaped !== BACKSLASH) throw new LineSyntaxError('invalid escape in quoted string: only \\\\ and \\" are allowed');
      bytes.push(escaped);
      position += 2;
      continue;
    }
    if (byte === 0x0d || byte === 0x0a || byte === 0) throw new LineSyntaxError('CR, LF or NUL in quoted string');
    bytes.push(byte);
    position++;
  }
  throw new LineSyntaxError('unterminated quoted string');
}

/**
 * Fetch attributes whose `[section]` may hold spaces and parentheses (RFC 3501 §6.4.5 `BODY[HEADER.FIELDS
 * (From To)]`, RFC 3516 BINARY). After any other prefix `[` is an ordinary ATOM-CHAR and `]` an ASTRING-CHAR
 * (RFC 3501 §9: only `]` is a resp-special), so `SELECT a[b` names the mailbox `a[b`.
 */
const SECTION_ATTRIBUTES = new Set(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE']);

function opensSection(segment: Buffer, start: number, bracket: number): boolean {
  const prefixLength = bracket - start;
  if (prefixLength < 4 || prefixLength > 11) return false;
  return SECTION_ATTRIBUTES.has(segment.toString('latin1', start, bracket).toUpperCase());
}

/** An atom; after BODY/BINARY a `[` makes everything up to the matching `]` part of it (see SECTION_ATTRIBUTES). */
function readAtom(segment: Buffer, start: number, into: Token[]): number {
  let position = start;
  let depth = 0;
  while (position < segment.length) {
    const byte = segment[position];
    if (isControl(byte)) throw new LineSyntaxError('control character in argument');
    if (byte === OPEN_BRACKET && (depth > 0 || opensSection(segment, start, position))) depth++;
    else if (byte === CLOSE_BRACKET && depth > 0) depth--;
    else if (depth === 0 && (byte === SPACE || byte === OPEN || byte === CLOSE)) break;
    else if (depth === 0 && (byte === QUOTE || byte === OPEN_BRACE)) throw new LineSyntaxError(`invalid character "${String.fromCharCode(byte)}" in atom`);
    position++;
  }
  if (depth > 0) throw new LineSyntaxError('unterminated "[" in argument');
  const value = segment.toString('utf8', start, position);
  into.push(value.toUpperCase() === 'NIL' ? { type: 'nil' } : { type: 'atom', value });
  return position;
}
