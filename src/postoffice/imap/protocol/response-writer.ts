// Serializes server responses (RFC 3501 §7 responses, §4 data formats): untagged `* ...` data, tagged
// status lines with optional response codes, `+` continuations, and ImapValues (NIL, numbers, quoted
// strings, literals, RFC 3516 literal8, parenthesized lists, verbatim atoms).
import type { ImapValue } from './protocol-types.ts';

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

/**
 * A response being written: text gathered as one string, binary parts (literal bytes) kept as they are. A FETCH
 * or SEARCH response has dozens of small parts; a Buffer for each of them was a large part of its cost.
 */
class ResponseBuilder {
  #text = '';
  readonly #buffers: Buffer[] = [];

  text(text: string): void {
    this.#text += text;
  }

  bytes(bytes: Buffer): void {
    this.#flushText();
    this.#buffers.push(bytes);
  }

  finish(): Buffer {
    if (this.#buffers.length === 0) return Buffer.from(this.#text, 'utf8');
    this.#flushText();
    return this.#buffers.length === 1 ? this.#buffers[0]! : Buffer.concat(this.#buffers);
  }

  #flushText(): void {
    if (this.#text.length === 0) return;
    this.#buffers.push(Buffer.from(this.#text, 'utf8'));
    this.#text = '';
  }
}

function appendValue(value: ImapValue, into: ResponseBuilder): void {
  if (value === null) {
    into.text('NIL');
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`IMAP numbers are non-negative integers, got ${value}`);
    into.text(String(value));
  } else if (typeof value === 'bigint') {
    if (value < 0n) throw new RangeError(`IMAP numbers are non-negative integers, got ${value}`);
    into.text(value.toString());
  } else if (typeof value === 'string') {
    if (canQuote(value)) {
      into.text(quoteString(value));
    } else {
      const bytes = Buffer.from(value, 'utf8');
      into.text(`{${bytes.length}}\r\n`);
      into.bytes(bytes);
    }
  } else if (Buffer.isBuffer(value)) {
    into.text(`{${value.length}}\r\n`);
    into.bytes(value);
  } else if (Array.isArray(value)) {
    into.text('(');
    value.forEach((item, index) => {
      if (index > 0) into.text(' ');
      appendValue(item, into);
    });
    into.text(')');
  } else if ('literal8' in value) {
    into.text(`~{${value.literal8.length}}\r\n`);
    into.bytes(value.literal8);
  } else {
    into.text(value.atom);
  }
}

export function serializeValue(value: ImapValue): Buffer {
  const builder = new ResponseBuilder();
  appendValue(value, builder);
  return builder.finish();
}

/** `* part part ...\r\n`; each part is serialized like serializeValue (so `{atom}` for bare words). */
export function untagged(...parts: ImapValue[]): Buffer {
  const builder = new ResponseBuilder();
  builder.text('*');
  for (const part of parts) {
    builder.text(' ');
    appendValue(part, builder);
  }
  builder.text('\r\n');
  return builder.finish();
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
