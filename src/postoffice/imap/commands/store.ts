// STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8; RFC 7162 §3.1.3 UNCHANGEDSINCE and MODIFIED). One store
// transaction changes the flags; the answer is `* n FETCH (FLAGS (...) [UID n] [MODSEQ (n)])` per message unless
// .SILENT. With CONDSTORE on, .SILENT still reports `UID`/`MODSEQ` of the messages whose mod-sequence changed, so
// the client's cache stays exact (§3.1.3). A keyword new to the mailbox is announced with `* FLAGS` first, even
// for .SILENT (RFC 3501 §7.2.6, as Dovecot). Messages another session expunged (not yet reported here) are left
// alone and the reply is a plain OK, by sequence number and by UID, as Dovecot answers (RFC 2180 §4.2 allows
// it; a NO would break clients in normal concurrent use).
import { ImapError } from '../session/imap-error.ts';
import type { CommandContext, CommandResult, ImapCommandSpec } from '../session/command-context.ts';
import type { ImapValue } from '../protocol/protocol-types.ts';
import { parseSequenceSet, parseStoreAction, tokenToAtom } from '../protocol/argument-parsers.ts';
import { flagList, modseqValue } from '../messages/fetch-renderer.ts';
import { formatNumberSet } from '../messages/format-number-set.ts';
import { selectMessages } from '../messages/select-messages.ts';
import { requireWritableSelection } from '../session/read-only-mailbox.ts';

async function runStore(context: CommandContext): Promise<CommandResult | void> {
  const { request, store, session } = context;
  const selected = requireWritableSelection(context);
  if (request.args.length < 3) throw new ImapError('BAD', 'STORE expects a sequence set, an action and flags');
  const set = parseSequenceSet(tokenToAtom(request.args[0], 'sequence set'));
  const action = parseStoreAction(request.args.slice(1));
  if (action.unchangedSince !== undefined) session.enableCondstore();

  const selection = selectMessages(store, selected, set, request.uid);
  const before = new Map(selection.messages.map((message) => [message.record.uid, message]));
  // Shares its commit with the other sessions' writes; the OK (and every other session's FETCH) only once durable.
  const { updated, failedUids } = await store.storeFlagsGrouped(
    selected.mailboxId,
    selection.messages.map((message) => message.record.uid),
    action.mode,
    action.flags,
    session.origin,
    action.unchangedSince,
  );

  selected.announceKeywords(updated.map((record) => record.flags), (bytes) => context.sendRaw(bytes));
  for (const record of updated) {
    const original = before.get(record.uid);
    if (original === undefined) continue; // the store only answers for uids we asked about
    const modseqChanged = record.modseq !== original.record.modseq;
    if (action.silent && !(session.condstore && modseqChanged)) continue;
    const attributes: ImapValue[] = [];
    if (!action.silent) attributes.push({ atom: 'FLAGS' }, flagList(record, selected.recentUids.has(record.uid)));
    // RFC 7162 §3.2.4: once QRESYNC is on, every FETCH a STORE causes carries UID and MODSEQ.
    if (request.uid || action.silent || session.enabled.has('QRESYNC')) attributes.push({ atom: 'UID' }, record.uid);
    if (session.condstore) attributes.push({ atom: 'MODSEQ' }, modseqValue(record));
    context.send(original.seq, { atom: 'FETCH' }, attributes);
  }

  if (failedUids.length > 0) {
    // RFC 7162 §3.1.3: MODIFIED lists uids for UID STORE, sequence numbers for STORE.
    const failed = request.uid
      ? failedUids
      : failedUids.map((uid) => before.get(uid)!.seq);
    return { code: `MODIFIED ${formatNumberSet([...failed].sort((a, b) => a - b))}`, text: 'Conditional STORE failed for some messages' };
  }
}

export const storeCommand: ImapCommandSpec = {
  name: 'STORE',
  states: ['selected'],
  uid: true,
  holdsExpunge: true,
  run: runStore,
};
