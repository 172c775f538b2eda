// CHECK (RFC 3501 §6.4.1): a checkpoint. Every store mutation is already durable when it returns, so there
// is nothing to do; pending changes are flushed by the dispatcher like after NOOP.
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';

export const checkCommand: ImapCommandSpec = {
  name: 'CHECK',
  states: ['selected'],
  run(context) {
    if (context.request.args.length > 0) throw new ImapError('BAD', 'CHECK takes no arguments');
  },
};
