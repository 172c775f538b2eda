// Serializes server responses (RFC 3501 §7 responses, §4 data formats): untagged `* ...` data, tagged
// status lines with optional response codes, `+` continuations, and ImapValues (NIL, numbers, quoted
// strings, literals, RFC 3516 literal8, parenthesized lists, verbatim atoms).
import type { ImapValue } from './protocol-types.ts';

const CRLF = Buffer.from('\r\n');
/** Longer strings go out as literals: clients and log lines cope better, and quoting gains nothing. */
const MAX_QUOTED_LENGTH = 1024;

/** True when `text` can be sent as a quoted string: 7-bit, no CR/LF/NUL, not too long. */
export function canQuote(text: string): boolean {
  if (text.length > MAX_QUOTED_LENGTH) return false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0 || code === 0x0a || code === 0x0d || code > 0x7e) return false;
  }
  return true;
}

/** `"..."` with `\` and `"` escaped. Callers must check canQuote first; serializeValue does. */
export function quoteString(text: string): string {
  return `"${text.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}

function literal(bytes: Buffer): Buffer[] {
  return [Buffer.from(`{${bytes.length}}\r\n`), bytes];
}

function appendValue(value: ImapValue, into: Buffer[]): void {
  if (value === null) {
    into.push(Buffer.from('NIL'));
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`IMAP numbers are non-negative integers, got ${value}`);
    into.push(Buffer.from(String(value)));
  } else if (typeof value === 'bigint') {
    if (value < 0n) throw new RangeError(`IMAP numbers are non-negative integers, got ${value}`);
    into.push(Buffer.from(value.toString()));
  } else if (typeof value === 'string') {
    into.push(...(canQuote(value) ? [Buffer.from(quoteString(value))] : literal(Buffer.from(value, 'utf8'))));
  } else if (Buffer.isBuffer(value)) {
    into.push(...literal(value));
  } else if (Array.isArray(value)) {
    into.push(Buffer.from('('));
    value.forEach((item, index) => {
      if (index > 0) into.push(Buffer.from(' '));
      appendValue(item, into);
    });
    into.push(Buffer.from(')'));
  } else if ('literal8' in value) {
    into.push(Buffer.from(`~{${value.literal8.length}}\r\n`), value.literal8);
  } else {
    into.push(Buffer.from(value.atom, 'utf8'));
  }
}

export function serializeValue(value: ImapValue): Buffer {
  const parts: Buffer[] = [];
  appendValue(value, parts);
  return Buffer.concat(parts);
}

/** `* part part ...\r\n`; each part is serialized like serializeValue (so `{atom}` for bare words). */
export function untagged(...parts: ImapValue[]): Buffer {
  const pieces: Buffer[] = [Buffer.from('*')];
  for (const part of parts) {
    pieces.push(Buffer.from(' '));
    appendValue(part, pieces);
  }
  pieces.push(CRLF);
  return Buffer.concat(pieces);
}

/** `tag OK [CODE] text\r\n`; `code` is written verbatim inside the brackets (e.g. `APPENDUID 1 5`). */
export function tagged(tag: string, status: 'OK' | 'NO' | 'BAD', text: string, code?: string): Buffer {
  return Buffer.from(`${tag} ${status} ${code ? `[${code}] ` : ''}${singleLine(text)}\r\n`, 'utf8');
}

/** `* OK [CODE] text\r\n` style status lines (greeting, untagged OK/NO/BAD/BYE/PREAUTH). */
export function untaggedStatus(status: 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH', text: string, code?: string): Buffer {
  return Buffer.from(`* ${status} ${code ? `[${code}] ` : ''}${singleLine(text)}\r\n`, 'utf8');
}

/** `+ text\r\n`, asking the client to go on (literal data, IDLE, AUTHENTICATE challenges). */
export function continuation(text: string): Buffer {
  return Buffer.from(`+ ${singleLine(text)}\r\n`, 'utf8');
}

/** Human-readable text may not break the response line (it could forge a second response). */
function singleLine(text: string): string {
  return text.replace(/[\r\n\0]+/g, ' ');
}
