// UNSELECT (RFC 3691): leaves the selected state without expunging anything.
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';

export const unselectCommand: ImapCommandSpec = {
  name: 'UNSELECT',
  states: ['selected'],
  run(context) {
    if (context.request.args.length > 0) throw new ImapError('BAD', 'UNSELECT takes no arguments');
    context.session.deselect()?.close();
  },
};
