// Extracts the exact bytes of an RFC 3501 §6.4.5 body section: BODY[], [HEADER], [HEADER.FIELDS (..)],
// [HEADER.FIELDS.NOT (..)], [TEXT], [n.MIME] and part numbers (descending into message/rfc822), plus <o.n> partials.

import type { HeaderField } from './header-fields.ts';
import { findPart, type MimePart } from './mime-tree.ts';

/** Which section to extract: the same shape as the IMAP parser's BodySection, declared here so this pure layer
 *  depends on no protocol module. */
export interface BodySection {
  /** Part path, e.g. [1, 2] for `1.2`; empty for the whole message. */
  part: number[];
  specifier: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME' | null;
  /** Field names for HEADER.FIELDS (NOT), as written (compare case-insensitively). */
  fields?: string[];
}

const CRLF = Buffer.from('\r\n');

/** HEADER.FIELDS: the selected fields' original (folded) lines in header order, then a blank line. */
function selectedFields(raw: Buffer, headers: HeaderField[], names: string[]): Buffer {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  const pieces: Buffer[] = [];
  for (const field of headers) {
    if (!wanted.has(field.name.toLowerCase())) continue;
    const bytes = raw.subarray(field.start, field.end);
    pieces.push(bytes);
    // The last line of a header-only message may lack its line break; each field must end with one.
    if (bytes[bytes.length - 1] !== 0x0a) pieces.push(CRLF);
  }
  pieces.push(CRLF);
  return Buffer.concat(pieces);
}

/** HEADER.FIELDS.NOT: the header bytes minus the named fields. Lines that are not fields and the header's own
 *  closing blank line stay as written (none for a header-only message), exactly as Dovecot answers. */
function remainingFields(raw: Buffer, message: MimePart, names: string[]): Buffer {
  const unwanted = new Set(names.map((name) => name.toLowerCase()));
  const pieces: Buffer[] = [];
  let offset = message.header.start;
  for (const field of message.headers) {
    if (!unwanted.has(field.name.toLowerCase())) continue;
    pieces.push(raw.subarray(offset, field.start));
    offset = field.end;
  }
  pieces.push(raw.subarray(offset, message.header.end));
  return Buffer.concat(pieces);
}

/** The message whose header/text a HEADER, HEADER.FIELDS or TEXT specifier addresses, or null. */
function addressedMessage(tree: MimePart, part: MimePart, path: number[]): MimePart | null {
  if (path.length === 0) return tree;
  return part.embedded ?? null; // only a message/rfc822 part has a header and text of its own
}

/**
 * Returns the section's bytes (a view into `raw` when possible), or null when the section does not exist
 * (a part number past the end, HEADER/TEXT of a part that is not message/rfc822, MIME without a part number).
 * On null the FETCH command answers with an empty string, as Dovecot does, rather than failing the command.
 * Bytes are exactly as stored; apart from HEADER.FIELDS(.NOT)'s closing blank line nothing is rewritten.
 */
export function extractSection(raw: Buffer, tree: MimePart, section: BodySection): Buffer | null {
  const part = findPart(tree, section.part);
  if (!part) return null;
  switch (section.specifier) {
    case null:
      return section.part.length === 0 ? raw : raw.subarray(part.body.start, part.body.end);
    case 'MIME':
      return section.part.length === 0 ? null : raw.subarray(part.header.start, part.header.end);
    case 'HEADER': {
      const message = addressedMessage(tree, part, section.part);
      return message ? raw.subarray(message.header.start, message.header.end) : null;
    }
    case 'TEXT': {
      const message = addressedMessage(tree, part, section.part);
      return message ? raw.subarray(message.body.start, message.body.end) : null;
    }
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT': {
      const message = addressedMessage(tree, part, section.part);
      if (!message) return null;
      return section.specifier === 'HEADER.FIELDS'
        ? selectedFields(raw, message.headers, section.fields ?? [])
        : remainingFields(raw, message, section.fields ?? []);
    }
  }
}

/** RFC 3501 §6.4.5 `<offset.length>`: the octets from `offset`, at most `length` of them (empty past the end). */
export function applyPartial(bytes: Buffer, partial: { offset: number; length: number } | undefined): Buffer {
  if (!partial) return bytes;
  if (partial.offset >= bytes.length) return bytes.subarray(bytes.length);
  return bytes.subarray(partial.offset, partial.offset + partial.length);
}
