// APPEND (RFC 3501 §6.3.11, RFC 4315 APPENDUID, RFC 7888 LITERAL+) with MULTIAPPEND (RFC 3502): `APPEND mailbox
// 1*([(flags)] ["date-time"] literal)`, every message stored in one transaction or none (an empty literal cancels
// the whole command with NO); APPENDUID then names every new uid in order. Message data may be a literal8 `~{n}`
// (RFC 3516 §4.4): parts holding NUL bytes are stored base64-encoded (messages/binary-append.ts). A missing target
// is `NO [TRYCREATE]` so the client may CREATE and retry. When the target is the selected mailbox the EXISTS
// reaches the client through the change queue before the OK. UTF-8 header fields need ENABLE UTF8=ACCEPT
// (RFC 6855 §4, `UTF8 (literal8)`, protocol/append-arguments.ts); RFC 9208 OVERQUOTA when they would not fit.
// CATENATE (RFC 4469) assembles a message from literals and URLs of the user's messages (catenated-message.ts).
// A single message shares its commit with the other sessions' writes (store appendGrouped): OK once it is durable.
import { parseAppendMessages } from '../protocol/argument-parsers.ts';
import { formatSequenceSet } from '../protocol/sequence-set.ts';
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { refuseReadOnlyMailbox } from '../session/read-only-mailbox.ts';
import { requireStorageRoom } from '../session/storage-quota.ts';
import { storableMessage } from '../messages/binary-append.ts';
import { hasEightBitHeader } from '../messages/eight-bit-headers.ts';
import { catenateMessage } from '../messages/catenated-message.ts';
import { parseCatenateParts } from '../protocol/catenate-parts.ts';
import { requireAccount } from './require-account.ts';

export const appendCommand: ImapCommandSpec = {
  name: 'APPEND',
  states: ['authenticated', 'selected'],
  async run(context) {
    const { args } = context.request;
    if (args.length < 2) throw new ImapError('BAD', 'APPEND expects a mailbox, optional flags and date-time, and the message literal');
    const name = context.mailboxNames.decode(args[0]);
    const account = requireAccount(context);
    const messages = parseAppendMessages(args.slice(1)).map((message) => {
      // RFC 4469: CATENATE builds the message from literals and URLs of messages (or parts) the user has.
      const data = message.data.kind === 'catenate'
        ? catenateMessage(context, account, parseCatenateParts(message.data.parts))
        : { bytes: message.data.bytes, utf8: message.data.utf8 === true };
      // RFC 3502: a zero-length literal is an error, and cancels the whole APPEND.
      if (data.bytes.length === 0) throw new ImapError('NO', 'Cannot append an empty message; nothing was appended');
      // RFC 6855 §4: UTF-8 header fields only from a client that enabled UTF8=ACCEPT (or IMAP4rev2).
      if (!context.mailboxNames.utf8 && !data.utf8 && hasEightBitHeader(data.bytes)) {
        throw new ImapError('NO', 'The message header holds 8-bit characters: ENABLE UTF8=ACCEPT first, then APPEND it as UTF8 (~{n}...)');
      }
      return { raw: storableMessage(data.bytes), flags: message.flags, internalDate: message.internalDate };
    });

    const mailbox = context.store.getMailbox(account, name);
    if (!mailbox) throw new ImapError('NO', `Mailbox does not exist: ${name}`, 'TRYCREATE');
    refuseReadOnlyMailbox(context, mailbox.name, 'APPEND to');
    // RFC 9208 §4.3.1: all the messages fit under the account's quota, or none is stored.
    requireStorageRoom(context, mailbox.account, messages.reduce((total, message) => total + message.raw.length, 0));
    const origin = context.session.origin;
    const stored = messages.length === 1
      ? [await context.store.appendGrouped(mailbox.id, messages[0]!.raw, messages[0]!.flags, messages[0]!.internalDate, origin)]
      : await context.store.appendManyGrouped(mailbox.id, messages, origin);
    return { code: `APPENDUID ${mailbox.uidValidity} ${formatSequenceSet(stored.map((record) => record.uid))}`, text: 'APPEND completed' };
  },
};
