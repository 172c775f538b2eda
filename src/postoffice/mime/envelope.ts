// Builds the RFC 3501 §7.4.2 ENVELOPE of a message (or of an embedded message/rfc822):
// (date subject from sender reply-to to cc bcc in-reply-to message-id). Strings are sent as written (RFC 2047
// encoded-words are not decoded); sender and reply-to default to from; absent fields are NIL.

import type { ImapValue } from '../imap/protocol/protocol-types.ts';
import { findField, findFields } from './header-fields.ts';
import { parseAddressList } from './address-list.ts';
import type { MimePart } from './mime-tree.ts';

function stringField(part: MimePart, name: string): ImapValue {
  const field = findField(part.headers, name);
  return field ? field.value : null;
}

/** An address list, or NIL when the header is absent or holds no address. Repeated headers are concatenated. */
function addressField(part: MimePart, name: string): ImapValue[] | null {
  const fields = findFields(part.headers, name);
  if (fields.length === 0) return null;
  const list: ImapValue[] = [];
  for (const field of fields) {
    for (const item of parseAddressList(field.value)) {
      if (item.kind === 'mailbox') list.push([item.name, item.route, item.mailbox, item.host]);
      else if (item.kind === 'group-start') list.push([null, null, item.name, null]);
      else list.push([null, null, null, null]);
    }
  }
  return list.length > 0 ? list : null;
}

/** `part` is the message root (or a message/rfc822 part's `embedded`). `raw` is unused today (values come from
 *  `part.headers`) and kept so callers need not change if a field ever has to be re-read from the bytes. */
export function buildEnvelope(part: MimePart, _raw: Buffer): ImapValue {
  const from = addressField(part, 'From');
  const sender = addressField(part, 'Sender') ?? from;
  const replyTo = addressField(part, 'Reply-To') ?? from;
  return [
    stringField(part, 'Date'),
    stringField(part, 'Subject'),
    from,
    sender,
    replyTo,
    addressField(part, 'To'),
    addressField(part, 'Cc'),
    addressField(part, 'Bcc'),
    stringField(part, 'In-Reply-To'),
    stringField(part, 'Message-ID'),
  ];
}
