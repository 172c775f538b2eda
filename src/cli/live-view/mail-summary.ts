// Reads what the live view shows about one stored message from its RFC 5322 header block alone (§3.6:
// originator, destination and identification fields): the body is never parsed, decoded or kept.
import { parseAddressList } from '../../postoffice/mime/address-list.ts';
import { decodeEncodedWords } from '../../postoffice/mime/encoded-words.ts';
import { findField, parseHeaderBlock } from '../../postoffice/mime/header-fields.ts';

export interface MailSummary {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  /** The Date header, or undefined when absent or unparseable. */
  date: Date | undefined;
  /** `<id>` or undefined when the message has none. */
  messageId: string | undefined;
  inReplyTo: string | undefined;
  references: string[];
}

const MESSAGE_ID = /<[^<>\s]+>/g;

function addresses(value: string | undefined): string[] {
  if (value === undefined) return [];
  return parseAddressList(value).flatMap((item) => (item.kind === 'mailbox' ? [`${item.mailbox}@${item.host}`.toLowerCase()] : []));
}

function messageIds(value: string | undefined): string[] {
  return value?.match(MESSAGE_ID) ?? [];
}

export function summarizeMail(raw: Buffer): MailSummary {
  const { fields } = parseHeaderBlock(raw, 0, raw.length);
  const value = (name: string) => findField(fields, name)?.value;
  const dateText = value('Date');
  const date = dateText === undefined ? undefined : new Date(dateText);
  return {
    from: addresses(value('From'))[0] ?? addresses(value('Sender'))[0] ?? '',
    to: addresses(value('To')),
    cc: addresses(value('Cc')),
    subject: decodeEncodedWords(value('Subject') ?? ''),
    date: date !== undefined && !Number.isNaN(date.getTime()) ? date : undefined,
    messageId: messageIds(value('Message-ID'))[0],
    // In-Reply-To may list several ids (RFC 5322 §3.6.4); the last one is the direct parent by convention.
    inReplyTo: messageIds(value('In-Reply-To')).at(-1),
    references: messageIds(value('References')),
  };
}
