// RENAME (RFC 3501 §6.3.5): inferiors move along; renaming INBOX moves its messages to the new mailbox
// and leaves INBOX empty. Missing superiors of the new name are created (store).
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { HIERARCHY_DELIMITER } from '../../store/store-types.ts';
import { refuseReadOnlyMailbox } from '../session/read-only-mailbox.ts';
import { requireAccount } from './require-account.ts';

export const renameCommand: ImapCommandSpec = {
  name: 'RENAME',
  states: ['authenticated', 'selected'],
  run(context) {
    const { args } = context.request;
    if (args.length !== 2) throw new ImapError('BAD', 'RENAME expects the existing and the new mailbox name');
    const account = requireAccount(context);
    const source = context.mailboxNames.decode(args[0], 'existing mailbox name');
    let target = context.mailboxNames.decode(args[1], 'new mailbox name', 'new');
    while (target.endsWith(HIERARCHY_DELIMITER)) target = target.slice(0, -1);
    const existing = context.store.getMailbox(account, source);
    if (!existing) throw new ImapError('NO', `Mailbox does not exist: ${source}`, 'NONEXISTENT');
    refuseReadOnlyMailbox(context, existing.name, 'RENAME of');
    if (target.toUpperCase() === 'INBOX' || context.store.getMailbox(account, target)) {
      throw new ImapError('NO', `Mailbox already exists: ${target}`, 'ALREADYEXISTS');
    }
    context.store.renameMailbox(account, source, target);
  },
};
