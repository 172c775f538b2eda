// STATUS (RFC 3501 §6.3.10): counters of a mailbox without selecting it (Thunderbird polls other folders
// with `STATUS (UIDNEXT MESSAGES UNSEEN RECENT)`).
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { parseStatusItems, statusResponse } from './mailbox-status.ts';
import { requireAccount } from './require-account.ts';

export const statusCommand: ImapCommandSpec = {
  name: 'STATUS',
  states: ['authenticated', 'selected'],
  run(context) {
    const { args } = context.request;
    if (args.length !== 2) throw new ImapError('BAD', 'STATUS expects a mailbox name and a list of status items');
    const name = context.mailboxNames.decode(args[0]);
    const items = parseStatusItems(args[1]);
    const mailbox = context.store.getMailbox(requireAccount(context), name);
    if (!mailbox) throw new ImapError('NO', `Mailbox does not exist: ${name}`, 'NONEXISTENT');
    if (items.includes('HIGHESTMODSEQ')) context.session.enableCondstore();
    context.send(...statusResponse(context.store, mailbox, items, context.mailboxNames));
  },
};
