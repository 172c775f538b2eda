// Reads the few facts the guards and governance need from one submitted message, and nothing more:
// threading fields (RFC 5322 §3.6.4) for the thread key, the agent usage header, and the first text/plain
// body part (RFC 2045/2046; text/html when there is no plain part), decoded, for the duplicate hash and the
// governance command word. Only that one part is decoded; attachments never are.
import { createHash } from 'node:crypto';
import { decodeCharset } from '../mime/charset-decode.ts';
import { findField, parseHeaderBlock, type HeaderField } from '../mime/header-fields.ts';
import { parseMimeTree, type MimePart } from '../mime/mime-tree.ts';
import { decodeTransferEncoding } from '../mime/transfer-decoding.ts';
import { normalizeMessageId } from '../store/message-id.ts';

export const HOP_HEADER = 'X-Mailswarm-Hop';
export const COMMAND_HEADER = 'X-Mailswarm-Command';
export const RELEASED_HEADER = 'X-Mailswarm-Released';
export const USAGE_HEADER = 'X-Mailswarm-Usage';

export interface TokenCount {
  input: number;
  output: number;
}

export interface MessageFacts {
  messageId: string | null;
  inReplyTo: string | null;
  /** References ids in header order (oldest first). */
  references: string[];
  /** First References id, else In-Reply-To, else the own Message-ID (the thread root as the swarm sees it). */
  threadKey: string;
  subject: string;
  /** Tokens from `X-Mailswarm-Usage: in=<n>; out=<n>`, or zero when absent or malformed. */
  usage: TokenCount;
  /** Decoded text of the first inline text/plain part (else of the first text/html part, tags removed; '' if none). */
  text: string;
}

/** All `<id>` values of a References/In-Reply-To field, without brackets. */
export function messageIdsIn(value: string | undefined): string[] {
  if (value === undefined) return [];
  const found = [...value.matchAll(/<([^<>\s]+)>/g)].map((match) => match[1]!);
  if (found.length > 0) return found;
  const bare = normalizeMessageId(value);
  return bare === null ? [] : [bare];
}

function parseUsage(value: string | undefined): TokenCount {
  if (value === undefined) return { input: 0, output: 0 };
  const input = /\bin\s*=\s*(\d+)/i.exec(value);
  const output = /\bout\s*=\s*(\d+)/i.exec(value);
  return { input: input ? Number(input[1]) : 0, output: output ? Number(output[1]) : 0 };
}

function isAttachment(part: MimePart): boolean {
  return part.disposition?.value.toLowerCase() === 'attachment';
}

/** Depth-first: the first inline text/<subtype> leaf; embedded messages are not entered. */
function firstTextPart(part: MimePart, subtype: 'plain' | 'html'): MimePart | undefined {
  if (part.contentType.type === 'multipart') {
    for (const child of part.children) {
      const found = firstTextPart(child, subtype);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return part.contentType.type === 'text' && part.contentType.subtype === subtype && !isAttachment(part) ? part : undefined;
}

function decodedText(raw: Buffer, part: MimePart): string {
  const decoded = decodeTransferEncoding(raw.subarray(part.body.start, part.body.end), part.transferEncoding);
  return decodeCharset(decoded, part.contentType.params['charset']);
}

/** Good enough to read a command word from an HTML-only mail (a mail client set to compose HTML). */
function htmlToText(html: string): string {
  return html
    .replace(/<(style|script|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<(br|\/p|\/div|\/li|\/h\d|\/tr|\/blockquote)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&amp;/gi, '&');
}

/** The first inline text/plain part, or the text of the first text/html part when there is no plain one. */
function bodyText(raw: Buffer): string {
  const tree = parseMimeTree(raw);
  const plain = firstTextPart(tree, 'plain');
  if (plain !== undefined) return decodedText(raw, plain);
  const html = firstTextPart(tree, 'html');
  return html === undefined ? '' : htmlToText(decodedText(raw, html));
}

function headerValue(fields: HeaderField[], name: string): string | undefined {
  return findField(fields, name)?.value;
}

export function readMessageFacts(raw: Buffer): MessageFacts {
  const { fields } = parseHeaderBlock(raw, 0, raw.length);
  const messageId = messageIdsIn(headerValue(fields, 'Message-ID'))[0] ?? null;
  const inReplyTo = messageIdsIn(headerValue(fields, 'In-Reply-To'))[0] ?? null;
  const references = messageIdsIn(headerValue(fields, 'References'));
  return {
    messageId,
    inReplyTo,
    references,
    threadKey: references[0] ?? inReplyTo ?? messageId ?? '(no message-id)',
    subject: headerValue(fields, 'Subject') ?? '',
    usage: parseUsage(headerValue(fields, USAGE_HEADER)),
    text: bodyText(raw),
  };
}

/** SHA-256 of the text with every run of white space collapsed and the ends trimmed. */
export function bodyHash(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/g, ' ').trim(), 'utf8').digest('hex');
}

/** The first non-empty line of a body, trimmed. */
export function firstNonEmptyLine(text: string): string {
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed.length > 0) return trimmed;
  }
  return '';
}
