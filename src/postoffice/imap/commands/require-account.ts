// The logged-in account of a session, for verbs that only run after LOGIN (RFC 3501 §3.2). The dispatcher
// checks states first, so a missing account here means a bug, answered as a protocol error, not a crash.
import type { CommandContext } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';

export function requireAccount(context: CommandContext): string {
  const account = context.session.account;
  if (account === undefined) throw new ImapError('BAD', 'Not authenticated');
  return account;
}
