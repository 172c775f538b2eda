// UNSUBSCRIBE (RFC 3501 §6.3.7): removes a name from the subscription list; the mailbox itself stays.
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { requireAccount } from './require-account.ts';

export const unsubscribeCommand: ImapCommandSpec = {
  name: 'UNSUBSCRIBE',
  states: ['authenticated', 'selected'],
  run(context) {
    const { args } = context.request;
    if (args.length !== 1) throw new ImapError('BAD', 'UNSUBSCRIBE expects one mailbox name');
    // Unsubscribing a name that is not subscribed is harmless: OK, as Dovecot and imapflow expect.
    context.store.setSubscribed(requireAccount(context), context.mailboxNames.decode(args[0]), false);
  },
};
