// MOVE and UID MOVE (RFC 6851 §3-§4): copy and expunge in one store transaction. The COPYUID goes in an
// untagged `* OK [COPYUID ...]` before the EXPUNGEs (§4.3); the EXPUNGE responses themselves are written by the
// session's change flush after run() returns, with sequence numbers valid at each step (see command-context.ts).
import { requireWritableSelection } from '../session/read-only-mailbox.ts';
import type { CommandContext, CommandResult, ImapCommandSpec } from '../session/command-context.ts';
import { copyMessages } from '../messages/copy-messages.ts';

async function runMove(context: CommandContext): Promise<CommandResult> {
  requireWritableSelection(context);
  const outcome = await copyMessages(context, 'MOVE', context.store.moveGrouped);
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
