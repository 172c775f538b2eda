// CREATE (RFC 3501 §6.3.3): a trailing hierarchy delimiter only declares the intent to create inferiors
// and is dropped; missing superior names are created too (the store does that). Errors map to NO with
// RFC 5530 codes (ALREADYEXISTS, CANNOT).
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { HIERARCHY_DELIMITER } from '../../store/store-types.ts';
import { requireAccount } from './require-account.ts';

export const createCommand: ImapCommandSpec = {
  name: 'CREATE',
  states: ['authenticated', 'selected'],
  run(context) {
    const { args } = context.request;
    // RFC 4466 allows `CREATE name (options)`; we implement no CREATE options (e.g. USE of RFC 6154).
    if (args.length !== 1) throw new ImapError('BAD', 'CREATE expects one mailbox name');
    let name = context.mailboxNames.decode(args[0], 'mailbox name', 'new');
    while (name.endsWith(HIERARCHY_DELIMITER)) name = name.slice(0, -1);
    if (name === '') throw new ImapError('BAD', 'Mailbox name is empty');
    if (name.toUpperCase() === 'INBOX') throw new ImapError('NO', 'INBOX always exists', 'ALREADYEXISTS');
    context.store.createMailbox(requireAccount(context), name);
    return { text: 'CREATE completed' };
  },
};

