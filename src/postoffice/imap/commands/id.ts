// ID (RFC 2971): logs what the client says about itself and names the server. Allowed in every state.
import type { Token } from '../protocol/protocol-types.ts';
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';

export const idCommand: ImapCommandSpec = {
  name: 'ID',
  states: ['not-authenticated', 'authenticated', 'selected'],
  run(context) {
    const { args } = context.request;
    const [parameters] = args;
    if (args.length !== 1 || (parameters?.type !== 'nil' && parameters?.type !== 'list')) {
      throw new ImapError('BAD', 'ID expects NIL or a parenthesized list of field/value pairs');
    }
    if (parameters.type === 'list') context.logger.debug({ clientId: describeId(parameters.items) }, 'IMAP client ID');
    context.send({ atom: 'ID' }, ['name', 'mailswarm', 'version', '0.1.0']);
  },
};

function describeId(items: Token[]): Record<string, string | null> {
  if (items.length % 2 !== 0 || items.length > 60) throw new ImapError('BAD', 'ID list must hold at most 30 field/value pairs');
  const fields: Record<string, string | null> = {};
  for (let index = 0; index < items.length; index += 2) {
    const field = items[index]!;
    const value = items[index + 1]!;
    if (field.type !== 'string' && field.type !== 'atom') throw new ImapError('BAD', 'ID field names must be strings');
    if (value.type === 'list') throw new ImapError('BAD', 'ID values must be strings or NIL');
    fields[field.value.toString().slice(0, 64)] = value.type === 'nil' ? null : value.value.toString().slice(0, 256);
  }
  return fields;
}
