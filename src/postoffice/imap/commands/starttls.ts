// STARTTLS (RFC 3501 §6.2.1): answered OK, then the same socket becomes a TLS server socket. Offered only
// when the server has a key and certificate and TLS is not already active.
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';

export const starttlsCommand: ImapCommandSpec = {
  name: 'STARTTLS',
  states: ['not-authenticated'],
  run(context) {
    if (context.request.args.length > 0) throw new ImapError('BAD', 'STARTTLS takes no arguments');
    if (context.session.secure) throw new ImapError('BAD', 'TLS is already active');
    if (!context.session.tlsAvailable) throw new ImapError('NO', 'TLS is not configured on this server', 'UNAVAILABLE');
    context.session.startTlsAfterReply();
    return { text: 'Begin TLS negotiation now' };
  },
};
