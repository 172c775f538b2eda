// LSUB (RFC 3501 §6.3.9): subscribed names matching the pattern. With `%`, an unsubscribed superior of a
// deeper subscribed name is shown with \Noselect so the client can descend the hierarchy. Subscribed names
// that no longer exist are shown with \Noselect as well (they cannot be selected).
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { HIERARCHY_DELIMITER } from '../../store/store-types.ts';
import { namesWithSuperiors, sortMailboxNames } from './list.ts';
import { compileMailboxPattern } from './mailbox-pattern.ts';
import { requireAccount } from './require-account.ts';

export const lsubCommand: ImapCommandSpec = {
  name: 'LSUB',
  states: ['authenticated', 'selected'],
  run(context) {
    const { args } = context.request;
    if (args.length !== 2) throw new ImapError('BAD', 'LSUB expects a reference name and a mailbox pattern');
    const reference = context.mailboxNames.decodePattern(args[0], 'reference name');
    const patternText = context.mailboxNames.decodePattern(args[1]);
    // Not valid modified UTF-7: no subscribed name can match (as LIST answers, and Dovecot).
    if (reference === null || patternText === null) return;
    if (patternText === '') {
      context.send({ atom: 'LSUB' }, [{ atom: '\\Noselect' }], HIERARCHY_DELIMITER, '');
      return;
    }
    const account = requireAccount(context);
    const pattern = compileMailboxPattern(reference, patternText);
    const subscriptions = new Set(context.store.listSubscriptions(account));
    const existing = new Set(context.store.listMailboxes(account).map((mailbox) => mailbox.name));
    const candidates = pattern.hasPercent ? namesWithSuperiors(subscriptions) : subscriptions;
    for (const name of sortMailboxNames(candidates)) {
      if (!pattern.matches(name)) continue;
      const selectable = subscriptions.has(name) && existing.has(name);
      context.send({ atom: 'LSUB' }, selectable ? [] : [{ atom: '\\Noselect' }], HIERARCHY_DELIMITER, context.mailboxNames.encode(name));
    }
  },
};
