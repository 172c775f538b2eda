// EXPUNGE and UID EXPUNGE (RFC 3501 §6.4.3, RFC 4315 §2.1): removes the \Deleted messages this client knows of
// (all of them, or those in the UID set). The `* n EXPUNGE` responses are written by the session's change flush
// after run() returns, highest sequence number first (see command-context.ts rule 3).
import { ImapError } from '../session/imap-error.ts';
import type { CommandContext, CommandResult, ImapCommandSpec } from '../session/command-context.ts';
import { parseSequenceSet, tokenToAtom } from '../protocol/argument-parsers.ts';
import { requireWritableSelection } from '../session/read-only-mailbox.ts';

async function runExpunge(context: CommandContext): Promise<CommandResult | void> {
  const { request, store, session } = context;
  const selected = requireWritableSelection(context);
  let uids: number[];
  if (request.uid) {
    if (request.args.length !== 1) throw new ImapError('BAD', 'UID EXPUNGE expects one UID set');
    const set = parseSequenceSet(tokenToAtom(request.args[0], 'UID set'));
    uids = selected.resolve(set, true).map((message) => message.uid);
  } else {
    if (request.args.length !== 0) throw new ImapError('BAD', 'EXPUNGE takes no arguments');
    // Only messages the client was told about: one that arrived unannounced has no sequence number to report.
    uids = [...selected.uids];
  }
  if (uids.length === 0) return;
  // Shares its commit with the other sessions' writes: the EXPUNGE responses and the OK follow once it is durable.
  await store.expungeGrouped(selected.mailboxId, uids, session.origin);
}

export const expungeCommand: ImapCommandSpec = {
  name: 'EXPUNGE',
  states: ['selected'],
  uid: true,
  holdsExpunge: false,
  run: runExpunge,
};
