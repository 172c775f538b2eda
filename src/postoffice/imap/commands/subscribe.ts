// SUBSCRIBE (RFC 3501 §6.3.6): adds a name to the account's subscription list (it need not exist).
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { requireAccount } from './require-account.ts';

export const subscribeCommand: ImapCommandSpec = {
  name: 'SUBSCRIBE',
  states: ['authenticated', 'selected'],
  run(context) {
    const { args } = context.request;
    if (args.length !== 1) throw new ImapError('BAD', 'SUBSCRIBE expects one mailbox name');
    context.store.setSubscribed(requireAccount(context), context.mailboxNames.decode(args[0], 'mailbox name', 'new'), true);
  },
};
