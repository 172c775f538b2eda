// APPEND of binary content (RFC 3516 §4.4, §6): a message whose body parts hold NUL bytes (sent as literal8) is
// stored with those parts re-encoded as base64, so BODY[] and BODYSTRUCTURE stay valid IMAP4rev1 (no NUL in a
// literal) while BINARY[part] gives the original bytes back: the change of CTE loses no data, as the RFC allows and
// Dovecot does. Parts without NUL keep their bytes. A NUL anywhere else (in a header) cannot be stored losslessly:
// `NO [UNKNOWN-CTE]`, the answer RFC 3516 §4.4 gives for binary content the mailbox cannot hold.
import { parseMimeTree, type MimePart } from '../../mime/index.ts';
import { findField } from '../../mime/header-fields.ts';
import { ImapError } from '../session/imap-error.ts';

const NUL = 0;

/** Leaf parts (through multiparts and embedded messages) whose body holds a NUL byte, in message order. */
function partsWithNul(raw: Buffer, part: MimePart, into: MimePart[]): MimePart[] {
  if (part.children.length > 0) {
    for (const child of part.children) partsWithNul(raw, child, into);
  } else if (part.embedded !== undefined) {
    partsWithNul(raw, part.embedded, into);
  } else if (raw.subarray(part.body.start, part.body.end).includes(NUL)) {
    into.push(part);
  }
  return into;
}

/** Base64 in lines of 76 characters (RFC 2045 §6.8), CRLF between lines. */
function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/** The part's header with `Content-Transfer-Encoding: base64` in place of (or added to) its CTE field. */
function base64Header(raw: Buffer, part: MimePart): Buffer[] {
  const header = raw.subarray(part.header.start, part.header.end);
  const field = findField(part.headers, 'Content-Transfer-Encoding');
  const line = Buffer.from('Content-Transfer-Encoding: base64\r\n');
  if (field !== undefined) return [raw.subarray(part.header.start, field.start), line, raw.subarray(field.end, part.header.end)];
  // No CTE field: add one before the blank line that ends the header (a body with NUL means the header has one).
  const blankLineLength = header.subarray(-2).equals(Buffer.from('\r\n')) ? 2 : 1;
  const cut = part.header.end - blankLineLength;
  return [raw.subarray(part.header.start, cut), line, raw.subarray(cut, part.header.end)];
}

/** The message as it is stored: unchanged unless it holds NUL bytes (see the file comment). */
export function storableMessage(raw: Buffer): Buffer {
  if (!raw.includes(NUL)) return raw;
  const tree = parseMimeTree(raw);
  const parts = partsWithNul(raw, tree, []);
  const pieces: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    pieces.push(raw.subarray(offset, part.header.start), ...base64Header(raw, part));
    pieces.push(Buffer.from(base64Lines(raw.subarray(part.body.start, part.body.end))));
    offset = part.body.end;
  }
  pieces.push(raw.subarray(offset));
  const stored = Buffer.concat(pieces);
  if (stored.includes(NUL)) {
    throw new ImapError('NO', 'The message holds NUL bytes outside a body part; they cannot be stored without loss', 'UNKNOWN-CTE');
  }
  return stored;
}
