// COPY and UID COPY (RFC 3501 §6.4.7, §6.4.8; RFC 4315 §3 COPYUID in the tagged OK; TRYCREATE when the
// target is missing). An empty message set is a successful no-op without COPYUID.
import type { CommandContext, CommandResult, ImapCommandSpec } from '../session/command-context.ts';
import { copyMessages } from '../messages/copy-messages.ts';

async function runCopy(context: CommandContext): Promise<CommandResult> {
  const outcome = await copyMessages(context, 'COPY', context.store.copyGrouped);
  if (outcome.copyUidCode === undefined) return { text: 'No messages copied' };
  return { code: outcome.copyUidCode, text: 'COPY completed' };
}

export const copyCommand: ImapCommandSpec = {
  name: 'COPY',
  states: ['selected'],
  uid: true,
  holdsExpunge: false,
  run: runCopy,
};
