// CAPABILITY (RFC 3501 §6.1.1): lists what the server supports in the session's current state.
import type { ImapCommandSpec } from '../session/command-context.ts';
import { capabilityList } from '../session/capabilities.ts';
import { ImapError } from '../session/imap-error.ts';

export const capabilityCommand: ImapCommandSpec = {
  name: 'CAPABILITY',
  states: ['not-authenticated', 'authenticated', 'selected'],
  run(context) {
    if (context.request.args.length > 0) throw new ImapError('BAD', 'CAPABILITY takes no arguments');
    const { session } = context;
    const list = capabilityList({ authenticated: session.state !== 'not-authenticated', tlsAvailable: session.tlsAvailable, literalMinus: session.literalMinus });
    context.send({ atom: 'CAPABILITY' }, ...list.map((capability) => ({ atom: capability })));
  },
};
