// CANCELUPDATE (RFC 5267 §4.3.5): `CANCELUPDATE "tag" ...` stops the update contexts that SEARCH or SORT
// RETURN (UPDATE) started under those tags. An unknown tag is NO, as Dovecot answers.
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { tokenToString } from '../protocol/argument-parsers.ts';
import { existingSearchContexts } from '../messages/search-contexts.ts';

export const cancelUpdateCommand: ImapCommandSpec = {
  name: 'CANCELUPDATE',
  states: ['selected'],
  run(context) {
    const { args } = context.request;
    if (args.length === 0 || args.some((token) => token.type !== 'string')) {
      throw new ImapError('BAD', 'CANCELUPDATE expects one or more quoted tags of searches that used RETURN (UPDATE)');
    }
    const contexts = existingSearchContexts(context.selected());
    for (const token of args) {
      const tag = tokenToString(token, 'tag');
      if (contexts?.cancel(tag) !== true) throw new ImapError('NO', `No update context has the tag ${tag}`);
    }
    return { text: 'Updates cancelled' };
  },
};
