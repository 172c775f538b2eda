// Turns raw RFC 5322 bytes fetched over IMAP into the runtime's view of one mail: threading headers
// (RFC 5322 section 3.6.4), addresses, the RFC 3834 Auto-Submitted field, our provenance headers, the
// new body text (quoted history stripped) and the attachment list with small text attachments inlined.
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { stripQuotedText } from './quote-stripper.ts';

export interface MailAddress {
  address: string;
  name: string;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** The decoded text of a small text attachment; undefined for binary or large ones. */
  inlineText: string | undefined;
}

export interface StoredMail {
  folder: string;
  uid: number;
  flags: Set<string>;
  messageId: string;
  inReplyTo: string | undefined;
  references: string[];
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  date: Date;
  subject: string;
  autoSubmitted: string | undefined;
  /** X-Mailswarm-Trust stamped by the post office: 'untrusted' for mail from its inbound port. */
  trust: string | undefined;
  /** X-Mailswarm-Authenticated-As stamped by the post office: the account that submitted it (lower case). */
  authenticatedAs: string | undefined;
  /** Envelope sender recorded at delivery (Return-Path, RFC 5321 §4.4); '' for the null sender <>. */
  returnPath: string | undefined;
  /** Media type of the top-level Content-Type, lower case (text/plain when absent, RFC 2045 §5.2). */
  contentType: string;
  /** List-Id (RFC 2919) when the copy came through a mailing list such as team@. */
  listId: string | undefined;
  /** X-Mailswarm-Command (STOP/RESUME) stamped by the post office on a human's governance command. */
  command: string | undefined;
  /** X-Mailswarm-Agent of the writer, when an agent wrote it. */
  agent: string | undefined;
  /** New text only (quoted history removed). */
  text: string;
  attachments: MailAttachment[];
}

export const inlineAttachmentLimitBytes = 16 * 1024;

const textAttachmentTypes = /^(text\/|application\/(json|xml|x-yaml|yaml|javascript|x-sh|x-diff|x-patch))/i;

export async function parseStoredMail(source: Buffer, location: { folder: string; uid: number; flags: Set<string> }): Promise<StoredMail> {
  const parsed = await simpleParser(source, { skipHtmlToText: false, skipTextLinks: true });
  const messageId = normaliseMessageId(parsed.messageId) ?? syntheticMessageId(location.folder, location.uid);
  return {
    ...location,
    messageId,
    inReplyTo: normaliseMessageId(parsed.inReplyTo),
    references: referencesOf(parsed),
    from: addressesOf(parsed.from),
    to: addressesOf(parsed.to),
    cc: addressesOf(parsed.cc),
    replyTo: addressesOf(parsed.replyTo),
    date: parsed.date ?? new Date(0),
    subject: parsed.subject ?? '',
    autoSubmitted: headerText(parsed, 'auto-submitted'),
    trust: firstHeaderLine(parsed, 'x-mailswarm-trust'),
    authenticatedAs: firstHeaderLine(parsed, 'x-mailswarm-authenticated-as')?.toLowerCase(),
    returnPath: returnPathOf(firstHeaderLine(parsed, 'return-path')),
    contentType: (firstHeaderLine(parsed, 'content-type')?.split(';')[0]?.trim() || 'text/plain').toLowerCase(),
    listId: firstHeaderLine(parsed, 'list-id'),
    command: firstHeaderLine(parsed, 'x-mailswarm-command')?.trim().toUpperCase(),
    agent: headerText(parsed, 'x-mailswarm-agent'),
    text: stripQuotedText(parsed.text ?? ''),
    attachments: parsed.attachments.map((attachment) => ({
      filename: attachment.filename ?? '(unnamed)',
      contentType: attachment.contentType,
      size: attachment.size,
      inlineText:
        textAttachmentTypes.test(attachment.contentType) && attachment.size <= inlineAttachmentLimitBytes
          ? attachment.content.toString('utf8')
          : undefined,
    })),
  };
}

/** The thread a mail belongs to: the first References entry, else In-Reply-To, else its own Message-ID. */
export function threadRootOf(mail: Pick<StoredMail, 'references' | 'inReplyTo' | 'messageId'>): string {
  return mail.references[0] ?? mail.inReplyTo ?? mail.messageId;
}

export function normaliseMessageId(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const match = /<[^<>\s]+>/.exec(value);
  if (match) return match[0];
  const bare = value.trim();
  return bare && !/\s/.test(bare) ? `<${bare}>` : undefined;
}

/** A stable stand-in for mail without a Message-ID, so it can still be threaded and answered once. */
function syntheticMessageId(folder: string, uid: number): string {
  return `<missing-id.${uid}.${folder.replace(/[^A-Za-z0-9]/g, '_')}@mailswarm.invalid>`;
}

function referencesOf(parsed: ParsedMail): string[] {
  const raw = parsed.references === undefined ? [] : Array.isArray(parsed.references) ? parsed.references : [parsed.references];
  return raw.flatMap((value) => value.match(/<[^<>\s]+>/g) ?? []);
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (!field) return [];
  const objects = Array.isArray(field) ? field : [field];
  const result: MailAddress[] = [];
  const visit = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address) result.push({ address: entry.address.toLowerCase(), name: entry.name ?? '' });
    }
  };
  for (const object of objects) visit(object.value);
  return result;
}

function headerText(parsed: ParsedMail, name: string): string | undefined {
  const value = parsed.headers.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value.trim();
  return String(value).trim();
}

/** The unfolded value of the first (topmost: the one our server wrote) field `name`, lower-case name. */
function firstHeaderLine(parsed: ParsedMail, name: string): string | undefined {
  const line = parsed.headerLines.find((header) => header.key === name)?.line;
  if (line === undefined) return undefined;
  return line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
}

function returnPathOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const angle = /<([^<>]*)>/.exec(value);
  return (angle ? angle[1]! : value).trim().toLowerCase();
}

export function formatAddress(address: MailAddress): string {
  const name = address.name.replace(/[",<>]/g, '').trim();
  return name ? `${name} <${address.address}>` : address.address;
}
