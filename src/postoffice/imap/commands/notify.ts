// NOTIFY (RFC 5465 §3): `NOTIFY NONE` turns notifications off; `NOTIFY SET [STATUS] groups` replaces the
// session's settings. Like NOOP, it first reports the selected mailbox's pending changes (§3.1), then, with
// STATUS, the current STATUS of every watched mailbox. Unsupported events are `NO [BADEVENT (supported)]`
// (§3.1): we have no annotations or metadata (RFC 5257, RFC 5464), so AnnotationChange, MailboxMetadataChange
// and ServerMetadataChange are refused rather than silently never sent.
import { notifyRuleViolation, parseNotifyArguments } from '../protocol/notify-arguments.ts';
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { NotifyWatch } from './notify-watch.ts';
import { requireAccount } from './require-account.ts';

/** The events we can send, as BADEVENT lists them. */
export const SUPPORTED_NOTIFY_EVENTS: readonly string[] = ['MessageNew', 'MessageExpunge', 'FlagChange', 'MailboxName', 'SubscriptionChange'];

export const notifyCommand: ImapCommandSpec = {
  name: 'NOTIFY',
  states: ['authenticated', 'selected'],
  run(context) {
    const request = parseNotifyArguments(context.request.args, (token) => context.mailboxNames.decode(token));
    if (request.kind === 'set') {
      const unsupported = request.groups.flatMap((group) => group.events).find((event) => !SUPPORTED_NOTIFY_EVENTS.includes(event));
      if (unsupported !== undefined) {
        throw new ImapError('NO', `Event ${unsupported} is not supported`, `BADEVENT (${SUPPORTED_NOTIFY_EVENTS.join(' ')})`);
      }
    }
    const violation = notifyRuleViolation(request);
    if (violation !== undefined) throw new ImapError('BAD', violation);
    context.flushChanges(); // §3.1: NOTIFY SET implies NOOP
    if (request.kind === 'none') {
      context.session.setNotify(undefined);
      return { text: 'NOTIFY completed, no notifications' };
    }
    const watch = new NotifyWatch({
      store: context.store,
      account: requireAccount(context),
      session: context.session,
      groups: request.groups,
      names: context.mailboxNames,
      write: (bytes) => context.sendRaw(bytes),
    });
    if (request.status) watch.statusOfWatchedMailboxes((bytes) => context.sendRaw(bytes));
    context.session.setNotify(watch);
    return { text: 'NOTIFY completed' };
  },
};
