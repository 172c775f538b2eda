// COMPRESS (RFC 4978 §3): `COMPRESS DEFLATE` in the authenticated or selected state. The tagged OK goes out
// uncompressed; everything after its CRLF is DEFLATE in both directions (session/deflate-layer.ts). A second
// COMPRESS is BAD, as §3 says; we never compress at the TLS layer, so COMPRESSIONACTIVE means this layer.
import { tokenToAtom } from '../protocol/argument-parsers.ts';
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';

export const compressCommand: ImapCommandSpec = {
  name: 'COMPRESS',
  states: ['authenticated', 'selected'],
  run(context) {
    const { args } = context.request;
    if (args.length !== 1) throw new ImapError('BAD', 'COMPRESS expects one mechanism: DEFLATE');
    const mechanism = tokenToAtom(args[0], 'compression mechanism');
    if (mechanism.toUpperCase() !== 'DEFLATE') throw new ImapError('BAD', `Unknown compression mechanism ${mechanism}: only DEFLATE is offered`);
    if (context.session.compressed) throw new ImapError('BAD', 'DEFLATE compression is already active', 'COMPRESSIONACTIVE');
    context.session.compressAfterReply();
    return { text: 'DEFLATE active' };
  },
};
