// NAMESPACE (RFC 2342): one personal namespace with an empty prefix and `/` as the hierarchy delimiter;
// no other users' or shared namespaces.
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { HIERARCHY_DELIMITER } from '../../store/store-types.ts';

export const namespaceCommand: ImapCommandSpec = {
  name: 'NAMESPACE',
  states: ['authenticated', 'selected'],
  run(context) {
    if (context.request.args.length > 0) throw new ImapError('BAD', 'NAMESPACE takes no arguments');
    context.send({ atom: 'NAMESPACE' }, [['', HIERARCHY_DELIMITER]], null, null);
  },
};
