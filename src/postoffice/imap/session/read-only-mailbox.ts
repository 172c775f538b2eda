// Enforcement of permanently read-only mailboxes (the humans' audit Journal, journal/journal-folder.ts):
// RFC 5530 NOPERM ("the access control system does not permit this user to carry out an operation") for
// writes into or of such a mailbox; EXAMINE-style read-only selections keep RFC 5530 READ-ONLY.
import type { CommandContext } from './command-context.ts';
import { ImapError } from './imap-error.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';

/** Throws NO [NOPERM] when `name` is a read-only mailbox; `what` says what was refused (`APPEND to`). */
export function refuseReadOnlyMailbox(context: CommandContext, name: string, what: string): void {
  if (context.isReadOnlyMailbox(name)) throw new ImapError('NO', `${what} ${name} is not permitted: the folder is read-only`, 'NOPERM');
}

/** The selected mailbox when it may be changed; otherwise NO [NOPERM] (read-only folder) or NO [READ-ONLY] (EXAMINE). */
export function requireWritableSelection(context: CommandContext): SelectedMailbox {
  const selected = context.selected();
  if (!selected.readOnly) return selected;
  const name = context.store.getMailboxById(selected.mailboxId)?.name;
  if (name !== undefined) refuseReadOnlyMailbox(context, name, 'Changing');
  throw new ImapError('NO', 'The mailbox is read-only (EXAMINE)', 'READ-ONLY');
}
