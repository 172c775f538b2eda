// Builds the RFC 3501 §7.4.2 ENVELOPE of a message (or of an embedded message/rfc822) as a neutral structure
// that imap/messages/ renders: date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id.
// Strings are kept as written (RFC 2047 encoded-words are not decoded); sender and reply-to default to from;
// absent fields are null.

import { findField, findFields } from './header-fields.ts';
import { parseAddressList } from './address-list.ts';
import type { MimePart } from './mime-tree.ts';

/**
 * One address entry in RFC 3501's shape: a mailbox has `mailbox` and `host`; a group start has only
 * `mailbox` (the group name) and a group end has all four null (RFC 2822 group syntax, §7.4.2).
 */
export interface EnvelopeAddress {
  name: string | null;
  route: string | null;
  mailbox: string | null;
  host: string | null;
}

export interface Envelope {
  date: string | null;
  subject: string | null;
  /** Each list is null when the header is absent or names no address. */
  from: EnvelopeAddress[] | null;
  sender: EnvelopeAddress[] | null;
  replyTo: EnvelopeAddress[] | null;
  to: EnvelopeAddress[] | null;
  cc: EnvelopeAddress[] | null;
  bcc: EnvelopeAddress[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

function stringField(part: MimePart, name: string): string | null {
  const field = findField(part.headers, name);
  return field ? field.value : null;
}

/** An address list, or null when the header is absent or holds no address. Repeated headers are concatenated. */
function addressField(part: MimePart, name: string): EnvelopeAddress[] | null {
  const fields = findFields(part.headers, name);
  if (fields.length === 0) return null;
  const list: EnvelopeAddress[] = [];
  for (const field of fields) {
    for (const item of parseAddressList(field.value)) {
      if (item.kind === 'mailbox') list.push({ name: item.name, route: item.route, mailbox: item.mailbox, host: item.host });
      else if (item.kind === 'group-start') list.push({ name: null, route: null, mailbox: item.name, host: null });
      else list.push({ name: null, route: null, mailbox: null, host: null });
    }
  }
  return list.length > 0 ? list : null;
}

/** `part` is the message root (or a message/rfc822 part's `embedded`). `raw` is unused today (values come from
 *  `part.headers`) and kept so callers need not change if a field ever has to be re-read from the bytes. */
export function buildEnvelope(part: MimePart, _raw: Buffer): Envelope {
  const from = addressField(part, 'From');
  return {
    date: stringField(part, 'Date'),
    subject: stringField(part, 'Subject'),
    from,
    sender: addressField(part, 'Sender') ?? from,
    replyTo: addressField(part, 'Reply-To') ?? from,
    to: addressField(part, 'To'),
    cc: addressField(part, 'Cc'),
    bcc: addressField(part, 'Bcc'),
    inReplyTo: stringField(part, 'In-Reply-To'),
    messageId: stringField(part, 'Message-ID'),
  };
}
