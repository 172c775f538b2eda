// IDLE (RFC 2177) in Dovecot's order: the selected view already listens to store events; we send
// `+ idling`, then push what arrived before, then every change as it happens (no polling) until the client
// sends DONE. Anything else ends IDLE with BAD. A rare `* OK Still here` keeps NAT mappings alive.
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';

export const idleCommand: ImapCommandSpec = {
  name: 'IDLE',
  states: ['authenticated', 'selected'],
  async run(context) {
    if (context.request.args.length > 0) throw new ImapError('BAD', 'IDLE takes no arguments');
    const selected = context.session.selected;
    // Under NOTIFY (RFC 5465 §6.1) the selected mailbox speaks only when NOTIFY asks for it; SELECTED-DELAYED's
    // held expunges go out during IDLE, which may report them.
    const notify = context.session.notify;
    const previousOnChange = selected?.onChange;
    if (selected && (notify === undefined || notify.selectedEvents !== 'none')) selected.onChange = () => context.flushChanges();
    const keepalive = setInterval(() => context.sendStatus('OK', 'Still here'), context.session.idleKeepaliveMs);
    context.session.setIdling(true);
    try {
      const line = context.continueAndReadLine('idling');
      if (notify === undefined || notify.selectedEvents !== 'none') context.flushChanges();
      const answer = await line;
      if (answer.trim().toUpperCase() !== 'DONE') throw new ImapError('BAD', 'Expected DONE to end IDLE');
    } finally {
      clearInterval(keepalive);
      context.session.setIdling(false);
      if (selected) selected.onChange = previousOnChange;
    }
    return { text: 'IDLE terminated' };
  },
};
