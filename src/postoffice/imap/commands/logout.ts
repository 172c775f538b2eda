// LOGOUT (RFC 3501 §6.1.3): `* BYE` first, then the tagged OK, then the server closes the connection.
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';

export const logoutCommand: ImapCommandSpec = {
  name: 'LOGOUT',
  states: ['not-authenticated', 'authenticated', 'selected'],
  run(context) {
    if (context.request.args.length > 0) throw new ImapError('BAD', 'LOGOUT takes no arguments');
    context.sendStatus('BYE', 'mailswarm logging out');
    context.session.logout();
  },
};
