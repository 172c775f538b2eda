// APPEND (RFC 3501 §6.3.11, RFC 4315 APPENDUID, RFC 7888 LITERAL+): `APPEND mailbox [(flags)]
// ["date-time"] literal`. A missing target is `NO [TRYCREATE]` so the client may CREATE and retry. When
// the target is the selected mailbox the EXISTS reaches the client through the change queue before the OK.
import { parseDateTime, parseFlagList, tokenToBuffer, tokenToMailbox, tokenToString } from '../protocol/argument-parsers.ts';
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { refuseReadOnlyMailbox } from '../session/read-only-mailbox.ts';
import { requireAccount } from './require-account.ts';

export const appendCommand: ImapCommandSpec = {
  name: 'APPEND',
  states: ['authenticated', 'selected'],
  run(context) {
    const { args } = context.request;
    if (args.length < 2 || args.length > 4) {
      throw new ImapError('BAD', 'APPEND expects a mailbox, optional flags and date-time, and the message literal');
    }
    const name = tokenToMailbox(args[0]);
    const middle = args.slice(1, -1);
    let flags: string[] = [];
    let internalDate: Date | undefined;
    for (const [index, token] of middle.entries()) {
      if (token.type === 'list' && index === 0) flags = parseFlagList(token);
      else if (token.type === 'string' && internalDate === undefined) internalDate = parseDateTime(tokenToString(token, 'date-time'));
      else throw new ImapError('BAD', 'APPEND arguments must be: mailbox [(flags)] ["date-time"] message');
    }
    const raw = tokenToBuffer(args[args.length - 1], 'message literal');
    if (raw.length === 0) throw new ImapError('NO', 'Cannot append an empty message');

    const mailbox = context.store.getMailbox(requireAccount(context), name);
    if (!mailbox) throw new ImapError('NO', `Mailbox does not exist: ${name}`, 'TRYCREATE');
    refuseReadOnlyMailbox(context, mailbox.name, 'APPEND to');
    const message = context.store.append(mailbox.id, raw, flags, internalDate, context.session.origin);
    return { code: `APPENDUID ${mailbox.uidValidity} ${message.uid}`, text: 'APPEND completed' };
  },
};
