// DELETE (RFC 3501 §6.3.4): INBOX and mailboxes with inferiors cannot be deleted (store rule, Dovecot
// behaviour). Deleting the mailbox this session has selected first leaves the selected state.
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { refuseReadOnlyMailbox } from '../session/read-only-mailbox.ts';
import { requireAccount } from './require-account.ts';

export const deleteCommand: ImapCommandSpec = {
  name: 'DELETE',
  states: ['authenticated', 'selected'],
  run(context) {
    const { args } = context.request;
    if (args.length !== 1) throw new ImapError('BAD', 'DELETE expects one mailbox name');
    const account = requireAccount(context);
    const name = context.mailboxNames.decode(args[0]);
    const mailbox = context.store.getMailbox(account, name);
    if (!mailbox) throw new ImapError('NO', `Mailbox does not exist: ${name}`, 'NONEXISTENT');
    refuseReadOnlyMailbox(context, mailbox.name, 'DELETE of');
    if (context.session.selected?.mailboxId === mailbox.id) context.session.deselect()?.close();
    context.store.deleteMailbox(account, name);
  },
};
