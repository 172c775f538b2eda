// NOOP (RFC 3501 §6.1.2): does nothing; the dispatcher flushes pending mailbox changes before the OK,
// which is what polling clients use it for.
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';

export const noopCommand: ImapCommandSpec = {
  name: 'NOOP',
  states: ['not-authenticated', 'authenticated', 'selected'],
  run(context) {
    if (context.request.args.length > 0) throw new ImapError('BAD', 'NOOP takes no arguments');
  },
};
