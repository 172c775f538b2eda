// Builds the MIME structure of a raw message as byte ranges (RFC 2045 headers, RFC 2046 §5.1 multipart boundaries,
// §5.2.1 message/rfc822, RFC 2231 parameters), the basis of BODYSTRUCTURE, ENVELOPE and BODY[section] (RFC 3501 §6.4.5).
// Accepts CRLF and bare-LF input, header-only messages, missing closing boundaries; never throws on garbage.

import { findField, parseHeaderBlock, type HeaderField } from './header-fields.ts';
import { parseParameterizedValue, type ParameterizedValue } from './header-params.ts';

export type { HeaderField } from './header-fields.ts';

export interface ContentType {
  /** Lower-cased media type (`text`, `multipart`, ...). */
  type: string;
  /** Lower-cased subtype (`plain`, `mixed`, ...). */
  subtype: string;
  /** Decoded parameters, names lower-cased (RFC 2231 joined and charset-decoded). */
  params: Record<string, string>;
  /** Parameters in BODYSTRUCTURE form (see ParameterizedValue.listParams); empty when there are none. */
  listParams: Array<[string, string]>;
}

export interface MimePart {
  /** Header bytes `[start, end)`: from the first header line up to AND INCLUDING the blank line that ends the header
   *  (so it is exactly BODY[HEADER] / BODY[n.MIME]). For a header without a blank line, `end` is the end of the part. */
  header: { start: number; end: number };
  /** Body bytes `[start, end)`; `body.start === header.end`. A multipart child's body stops before the line break that
   *  precedes the next boundary line (RFC 2046 §5.1.1: that line break belongs to the boundary). */
  body: { start: number; end: number };
  headers: HeaderField[];
  /** Effective content type: defaults to text/plain; charset=us-ascii (message/rfc822 inside multipart/digest)
   *  when the header is absent or unparseable. */
  contentType: ContentType;
  /** True when `contentType` is the default rather than what the part declared. */
  contentTypeDefaulted: boolean;
  /** Content-Disposition (RFC 2183), or null when absent. */
  disposition: ParameterizedValue | null;
  /** Content-Transfer-Encoding as written (trimmed), or null when absent (meaning 7bit). */
  transferEncoding: string | null;
  /** Sub-parts of a multipart, in order. Never empty for a multipart: a multipart without any boundary line gets
   *  one empty text/plain child (as Dovecot does), so BODYSTRUCTURE stays valid. */
  children: MimePart[];
  /** The encapsulated message of a message/rfc822 part: its header and body ranges cover this part's body. */
  embedded?: MimePart;
  /** Lines in the body: the number of LF bytes, as Dovecot counts (a final line without a line break, which is
   *  usual for a multipart child since the break belongs to the boundary, is not counted). */
  lineCount: number;
  /** True when the part ends with a line whose line break lay outside its range because that break also precedes
   *  the enclosing boundary: a nested multipart's close delimiter, or (for message/rfc822) an embedded message that
   *  is all header. The enclosing multipart then gives the break to this part, as Dovecot does, so message/rfc822
   *  sizes and BODY[n] bytes match Dovecot's. */
  endsWithCutLine?: boolean;
  /** Set on the root only when parsing failed unexpectedly (a bug, not bad input) and the whole message was
   *  returned as one text/plain part; callers may log it. */
  parseError?: unknown;
}

const MAX_DEPTH = 64;
const LF = 0x0a;
const CR = 0x0d;

function countLines(raw: Buffer, start: number, end: number): number {
  let lines = 0;
  let offset = raw.indexOf(LF, start);
  while (offset !== -1 && offset < end) {
    lines++;
    offset = raw.indexOf(LF, offset + 1);
  }
  return lines;
}

function defaultContentType(digestChild: boolean): ContentType {
  return digestChild
    ? { type: 'message', subtype: 'rfc822', params: {}, listParams: [] }
    : { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' }, listParams: [['charset', 'us-ascii']] };
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function readContentType(headers: HeaderField[], digestChild: boolean): { contentType: ContentType; defaulted: boolean } {
  const field = findField(headers, 'Content-Type');
  if (!field) return { contentType: defaultContentType(digestChild), defaulted: true };
  const parsed = parseParameterizedValue(field.value);
  const slash = parsed.value.indexOf('/');
  const type = slash === -1 ? '' : parsed.value.slice(0, slash).trim().toLowerCase();
  const subtype = slash === -1 ? '' : parsed.value.slice(slash + 1).trim().toLowerCase();
  // RFC 2045 §5.2: an unparseable Content-Type means text/plain; charset=us-ascii.
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return { contentType: defaultContentType(false), defaulted: true };
  return { contentType: { type, subtype, params: parsed.params, listParams: parsed.listParams }, defaulted: false };
}

/** Offsets of the boundary lines of a multipart body, with where each one's line starts and ends. */
interface BoundaryLine {
  /** Where the delimiter's preceding line break starts (the end of the previous part). */
  precededFrom: number;
  /** After the delimiter line's own line break (the start of the next part). */
  lineEnd: number;
  closing: boolean;
  /** The delimiter line reached the end of the range without a line break of its own. */
  unterminated: boolean;
}

function findBoundaryLines(raw: Buffer, start: number, end: number, boundary: string): BoundaryLine[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const lines: BoundaryLine[] = [];
  let search = start;
  while (search < end) {
    const found = raw.indexOf(delimiter, search);
    if (found === -1 || found + delimiter.length > end) break;
    search = found + 1;
    if (found !== start && raw[found - 1] !== LF) continue; // boundaries only count at the start of a line
    const newline = raw.indexOf(LF, found);
    const lineStop = newline === -1 || newline >= end ? end : newline + 1;
    const rest = raw.toString('latin1', found + delimiter.length, lineStop);
    const closing = rest.startsWith('--');
    // A delimiter may only be followed by transport padding; a longer boundary that merely starts with ours
    // (`--outer-inner` vs `--outer`) is not ours. Text after a close delimiter `--b-- junk` is tolerated, as by Dovecot.
    if (!closing && !/^[ \t\r\n]*$/.test(rest)) continue;
    let precededFrom = found;
    if (found > start && raw[found - 1] === LF) {
      precededFrom = found - 1;
      if (precededFrom > start && raw[precededFrom - 1] === CR) precededFrom--;
    }
    const unterminated = lineStop === end && raw[lineStop - 1] !== LF;
    lines.push({ precededFrom, lineEnd: lineStop, closing, unterminated });
    if (closing) break;
    search = lineStop;
  }
  return lines;
}

function emptyPart(at: number): MimePart {
  return {
    header: { start: at, end: at },
    body: { start: at, end: at },
    headers: [],
    contentType: defaultContentType(false),
    contentTypeDefaulted: true,
    disposition: null,
    transferEncoding: null,
    children: [],
    lineCount: 0,
  };
}

/** Extends a part that ends in a cut close delimiter (and its embedded message) over the following line break. */
function giveLineBreak(part: MimePart, newEnd: number): void {
  part.body.end = newEnd;
  part.lineCount += 1;
  part.endsWithCutLine = false;
  // An all-header embedded message keeps its header and empty body; only the enclosing part grows (Dovecot).
  if (part.embedded?.endsWithCutLine) giveLineBreak(part.embedded, newEnd);
}

function parsePart(raw: Buffer, start: number, end: number, digestChild: boolean, depth: number): MimePart {
  const block = parseHeaderBlock(raw, start, end);
  const headers = block.fields;
  const tooDeep = depth > MAX_DEPTH;
  const { contentType, defaulted } = readContentType(headers, digestChild);
  const encodingField = findField(headers, 'Content-Transfer-Encoding');
  const dispositionField = findField(headers, 'Content-Disposition');
  const part: MimePart = {
    header: { start, end: block.headerEnd },
    body: { start: block.headerEnd, end },
    headers,
    contentType,
    contentTypeDefaulted: defaulted,
    disposition: dispositionField ? parseParameterizedValue(dispositionField.value) : null,
    transferEncoding: encodingField ? encodingField.value : null,
    children: [],
    lineCount: countLines(raw, block.headerEnd, end),
  };

  if (contentType.type === 'multipart') {
    const boundary = contentType.params['boundary'];
    // Without a boundary (or too deep to follow) the whole body is preamble: one empty child, as Dovecot reports.
    const lines = boundary && !tooDeep ? findBoundaryLines(raw, part.body.start, end, boundary) : [];
    const isDigest = contentType.subtype === 'digest';
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index]!;
      if (line.closing) break;
      const next = lines[index + 1];
      const childEnd = next ? Math.max(line.lineEnd, next.precededFrom) : end; // no next line: missing close boundary
      const child = parsePart(raw, line.lineEnd, childEnd, isDigest, depth + 1);
      if (child.endsWithCutLine && next && next.precededFrom === childEnd) {
        // The child's own close-delimiter line keeps its line break (Dovecot's reading of the shared CRLF).
        giveLineBreak(child, raw[childEnd] === CR ? childEnd + 2 : childEnd + 1);
      }
      part.children.push(child);
    }
    if (part.children.length === 0) part.children.push(emptyPart(end));
    const closing = lines.find((line) => line.closing);
    if (closing?.unterminated && closing.lineEnd === end) part.endsWithCutLine = true;
    return part;
  }

  if (contentType.type === 'message' && contentType.subtype === 'rfc822') {
    // Parsed even when (against RFC 2046 §5.2.1) it carries a base64/quoted-printable encoding, as Dovecot does.
    if (!tooDeep) {
      part.embedded = parsePart(raw, part.body.start, end, false, depth + 1);
      const headerOnly = part.embedded.header.end === end && end > part.body.start && raw[end - 1] !== LF;
      if (part.embedded.endsWithCutLine || headerOnly) part.endsWithCutLine = true;
    } else {
      // Too deep to follow: an embedded message without header, the bytes as its text body, so BODYSTRUCTURE keeps
      // the message/rfc822 shape clients parse.
      const opaque = emptyPart(part.body.start);
      opaque.body = { start: part.body.start, end };
      opaque.lineCount = part.lineCount;
      part.embedded = opaque;
    }
  }
  return part;
}

/** Parses a whole message (RFC 5322) into its MIME tree. Never throws: on an internal failure the message becomes
 *  one text/plain part covering all bytes. */
export function parseMimeTree(raw: Buffer): MimePart {
  try {
    return parsePart(raw, 0, raw.length, false, 0);
  } catch (error) {
    // A bug here must not make a stored message unfetchable; keep the bytes reachable as one text part.
    const fallback = emptyPart(0);
    fallback.body = { start: 0, end: raw.length };
    fallback.lineCount = countLines(raw, 0, raw.length);
    fallback.parseError = error;
    return fallback;
  }
}

/** Walks `path` (1-based part numbers, RFC 3501 §6.4.5) from the message `root`; null when the part does not exist.
 *  Follows Dovecot's lookup: a number applied to a message/rfc822 part (other than the root) addresses its embedded message's parts
 *  (`2.1` is part 1 of the message attached as part 2); a non-multipart node only has part 1, itself, and a path may
 *  go on below it only when it is a message/rfc822 part. So part 1 of a single-part message is its body, `1.1` of a
 *  text part inside a multipart is that part again, and `1.1` of a single-part message does not exist. */
export function findPart(root: MimePart, path: number[]): MimePart | null {
  let node = root;
  for (let index = 0; index < path.length; index++) {
    const number = path[index]!;
    // The root is the message itself: its part 1 is its own body even when it is message/rfc822.
    if (index > 0 && node.embedded) node = node.embedded;
    if (node.contentType.type === 'multipart') {
      const child = node.children[number - 1];
      if (!child) return null;
      node = child;
    } else if (number !== 1 || (index < path.length - 1 && !node.embedded)) {
      return null;
    }
  }
  return node;
}
