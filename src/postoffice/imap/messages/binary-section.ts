// The content of RFC 3516 BINARY[part] and BINARY.SIZE[part]: the part's body with its Content-Transfer-Encoding
// undone (base64, quoted-printable; 7bit, 8bit and binary are already raw). BINARY[] is the whole message with every
// encoded leaf part decoded and its Content-Transfer-Encoding field rewritten to `binary`, as Dovecot answers. An
// encoding we cannot undo is `NO [UNKNOWN-CTE]` (RFC 3516 §4.3); a part the message does not have is empty.
import { decodeTransferEncoding, findPart, type MimePart } from '../../mime/index.ts';
import { findField } from '../../mime/header-fields.ts';
import { ImapError } from '../session/imap-error.ts';

const IDENTITY = new Set(['7bit', '8bit', 'binary']);
const DECODABLE = new Set(['base64', 'quoted-printable']);

function encodingOf(part: MimePart): string {
  return (part.transferEncoding ?? '7bit').trim().toLowerCase();
}

function requireKnownEncoding(part: MimePart): string {
  const encoding = encodingOf(part);
  if (!IDENTITY.has(encoding) && !DECODABLE.has(encoding)) {
    throw new ImapError('NO', `Cannot decode the Content-Transfer-Encoding "${part.transferEncoding}"`, 'UNKNOWN-CTE');
  }
  return encoding;
}

/** The decoded body of one part (`path` non-empty). */
function decodedPart(raw: Buffer, tree: MimePart, path: number[]): Buffer {
  const part = findPart(tree, path);
  if (part === null || part === undefined) return Buffer.alloc(0);
  const body = raw.subarray(part.body.start, part.body.end);
  const encoding = requireKnownEncoding(part);
  return DECODABLE.has(encoding) ? decodeTransferEncoding(body, encoding) : body;
}

/** Leaf parts whose body is base64 or quoted-printable, in message order (through multiparts and embedded messages). */
function encodedLeaves(part: MimePart, into: MimePart[]): MimePart[] {
  if (part.children.length > 0) {
    for (const child of part.children) encodedLeaves(child, into);
  } else if (part.embedded !== undefined) {
    encodedLeaves(part.embedded, into);
  } else if (DECODABLE.has(requireKnownEncoding(part))) {
    into.push(part);
  }
  return into;
}

/** The message with every encoded leaf decoded in place and declared `Content-Transfer-Encoding: binary`. */
function decodedMessage(raw: Buffer, tree: MimePart): Buffer {
  const leaves = encodedLeaves(tree, []);
  if (leaves.length === 0) return raw;
  const pieces: Buffer[] = [];
  let offset = 0;
  for (const leaf of leaves) {
    const field = findField(leaf.headers, 'Content-Transfer-Encoding')!;
    const lineEnd = raw[field.end - 2] === 0x0d ? '\r\n' : '\n';
    pieces.push(raw.subarray(offset, field.start), Buffer.from(`Content-Transfer-Encoding: binary${lineEnd}`));
    pieces.push(raw.subarray(field.end, leaf.body.start));
    pieces.push(decodeTransferEncoding(raw.subarray(leaf.body.start, leaf.body.end), encodingOf(leaf)));
    offset = leaf.body.end;
  }
  pieces.push(raw.subarray(offset));
  return Buffer.concat(pieces);
}

/** BINARY[path]: `path` empty means the whole message. */
export function binaryContent(raw: Buffer, tree: MimePart, path: number[]): Buffer {
  return path.length === 0 ? decodedMessage(raw, tree) : decodedPart(raw, tree, path);
}
