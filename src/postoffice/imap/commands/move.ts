// MOVE and UID MOVE (RFC 6851 §3-§4): copy and expunge in one store transaction. The COPYUID goes in an
// untagged `* OK [COPYUID ...]` before the EXPUNGEs (§4.3); the EXPUNGE responses themselves are written by the
// session's change flush after run() returns, with sequence numbers valid at each step (see command-context.ts).
import { ImapError } from '../session/imap-error.ts';
import type { CommandContext, CommandResult, ImapCommandSpec } from '../session/command-context.ts';
import { copyMessages } from '../messages/copy-messages.ts';

function runMove(context: CommandContext): CommandResult {
  if (context.selected().readOnly) throw new ImapError('NO', 'The mailbox is read-only (EXAMINE)', 'READ-ONLY');
  const outcome = copyMessages(context, 'MOVE', context.store.move);
  if (outcome.copyUidCode === undefined) return { text: 'No messages moved' };
  context.sendStatus('OK', 'Moved', outcome.copyUidCode);
  return { text: 'MOVE completed' };
}

export const moveCommand: ImapCommandSpec = {
  name: 'MOVE',
  states: ['selected'],
  uid: true,
  holdsExpunge: false,
  run: runMove,
};
