// CLOSE (RFC 3501 §6.4.2): leaves the selected state and, when the mailbox was selected read-write,
// permanently removes the messages flagged \Deleted — silently: no EXPUNGE responses are sent.
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';

export const closeCommand: ImapCommandSpec = {
  name: 'CLOSE',
  states: ['selected'],
  async run(context) {
    if (context.request.args.length > 0) throw new ImapError('BAD', 'CLOSE takes no arguments');
    const selected = context.session.deselect();
    if (!selected) return;
    // Unsubscribe before expunging so the session queues none of the expunge events it must not send.
    selected.close();
    if (!selected.readOnly && !selected.gone) await context.store.expungeGrouped(selected.mailboxId, undefined, context.session.origin);
  },
};
