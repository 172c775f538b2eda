// Splits an RFC 5322 §2.2 header block into fields with byte ranges, and unfolds values (§2.2.3).
// Works on CRLF and bare-LF input alike; never throws. Used by the MIME tree, ENVELOPE and sections.

export interface HeaderField {
  /** Field name as written (compare case-insensitively). */
  name: string;
  /** Unfolded value: line breaks before folding whitespace removed, outer whitespace trimmed, 8-bit bytes read as
   *  UTF-8 (Latin-1 when not valid UTF-8). Encoded-words are NOT decoded. */
  value: string;
  /** Byte range of the whole field in the raw message, from the name to after its last line break. */
  start: number;
  end: number;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** Offset after the blank line ending the header, or `limit` when the header has no blank line. */
  headerEnd: number;
  /** True when a blank line terminated the header (false for a header-only message). */
  terminated: boolean;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads bytes as UTF-8 (RFC 6532 headers), or as Latin-1 when they are not valid UTF-8, so no byte is lost. */
export function decodeHeaderBytes(bytes: Buffer): string {
  for (const byte of bytes) {
    if (byte >= 0x80) {
      try {
        return strictUtf8.decode(bytes);
      } catch {
        // Not UTF-8: legacy 8-bit header. Latin-1 maps each byte to one code point, which is the best lossless guess.
        return bytes.toString('latin1');
      }
    }
  }
  return bytes.toString('latin1');
}

/** End offset of the line starting at `offset` (after its LF), or `limit`. */
export function lineEnd(raw: Buffer, offset: number, limit: number): number {
  const newline = raw.indexOf(LF, offset);
  return newline === -1 || newline >= limit ? limit : newline + 1;
}

/** True when the line [start, end) is empty apart from its line break. */
function isBlankLine(raw: Buffer, start: number, end: number): boolean {
  const length = end - start;
  if (length === 1) return raw[start] === LF;
  if (length === 2) return raw[start] === CR && raw[start + 1] === LF;
  return false;
}

/** Parses the header that starts at `start`; the header ends at the first blank line or at `limit`. */
/** The fields of a message's top-level header (the same as its MIME tree's root part has). */
export function parseHeaderFields(raw: Buffer): HeaderField[] {
  return parseHeaderBlock(raw, 0, raw.length).fields;
}

export function parseHeaderBlock(raw: Buffer, start: number, limit: number): HeaderBlock {
  const fields: HeaderField[] = [];
  let offset = start;
  let current: { start: number; colon: number; end: number } | null = null;
  const flush = (): void => {
    if (current === null) return;
    const name = raw.toString('latin1', current.start, current.colon).trim();
    const value = unfold(decodeHeaderBytes(raw.subarray(current.colon + 1, current.end)));
    // RFC 5322 §3.6.8 field names are printable ASCII without spaces (obs-syntax allows WSP before the colon);
    // anything else, such as an mbox "From sender date" line, is not a field.
    if (/^[\x21-\x39\x3b-\x7e]+$/.test(name)) fields.push({ name, value, start: current.start, end: current.end });
    current = null;
  };
  while (offset < limit) {
    const end = lineEnd(raw, offset, limit);
    if (isBlankLine(raw, offset, end)) {
      flush();
      return { fields, headerEnd: end, terminated: true };
    }
    const first = raw[offset];
    if ((first === SPACE || first === TAB) && current !== null) {
      current.end = end; // continuation line of a folded field
    } else {
      flush();
      const colon = raw.indexOf(COLON, offset);
      // A line without a colon is not a field; it stays inside the header bytes.
      if (colon !== -1 && colon < end) current = { start: offset, colon, end };
    }
    offset = end;
  }
  flush();
  return { fields, headerEnd: limit, terminated: false };
}

/** RFC 5322 §2.2.3 unfolding: drop CR/LF, keep the whitespace that follows; trim the ends. */
export function unfold(value: string): string {
  return value.replace(/\r?\n/g, '').replace(/\r/g, '').trim();
}

/** The first field named `name` (case-insensitive), or undefined. */
export function findField(fields: HeaderField[], name: string): HeaderField | undefined {
  const wanted = name.toLowerCase();
  return fields.find((field) => isFieldNamed(field.name, wanted));
}

/** All fields named `name` (case-insensitive), in header order. */
export function findFields(fields: HeaderField[], name: string): HeaderField[] {
  const wanted = name.toLowerCase();
  return fields.filter((field) => isFieldNamed(field.name, wanted));
}

/**
 * Field names compare case-insensitively (RFC 5322 §1.2.2); `lowerWanted` is already lower-cased. Most names differ
 * in length and are never lower-cased: SEARCH runs this for every field of every message of a mailbox.
 */
export function isFieldNamed(name: string, lowerWanted: string): boolean {
  return name.length === lowerWanted.length && (name === lowerWanted || name.toLowerCase() === lowerWanted);
}
