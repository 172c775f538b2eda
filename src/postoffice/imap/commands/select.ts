// SELECT and EXAMINE (RFC 3501 §6.3.1/§6.3.2, RFC 7162 §3.1.2 CONDSTORE parameter and HIGHESTMODSEQ, §3.2.5
// QRESYNC parameter, §3.2.11 CLOSED). Selecting always leaves the previous selection first (`* OK [CLOSED]`),
// so a failed SELECT ends in the authenticated state. SELECT claims the \Recent messages for this session;
// EXAMINE is read-only and claims nothing. With (QRESYNC ...) and a matching UIDVALIDITY the client also gets
// what changed since its MODSEQ: `* VANISHED (EARLIER)` and `* n FETCH (UID FLAGS MODSEQ)`, in Dovecot's order.
// After ENABLE IMAP4rev2 (RFC 9051 §6.3.2) the mailbox's LIST response comes too and UNSEEN (removed) does not.
import { parseSelectParameters, type QresyncParameter } from '../protocol/select-parameters.ts';
import { HIERARCHY_DELIMITER, type MailboxRecord, type MessageRecord } from '../../store/store-types.ts';
import { flagList, modseqValue } from '../messages/fetch-renderer.ts';
import { uidRangesOf, vanishedEarlier } from '../messages/vanished-earlier.ts';
import type { CommandContext, CommandResult, ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { SelectedMailbox } from '../session/selected-mailbox.ts';
import { requireAccount } from './require-account.ts';

export const selectCommand: ImapCommandSpec = {
  name: 'SELECT',
  states: ['authenticated', 'selected'],
  run: (context) => openMailbox(context, false),
};

export const examineCommand: ImapCommandSpec = {
  name: 'EXAMINE',
  states: ['authenticated', 'selected'],
  run: (context) => openMailbox(context, true),
};

function openMailbox(context: CommandContext, readOnly: boolean): CommandResult {
  const { args } = context.request;
  const verb = readOnly ? 'EXAMINE' : 'SELECT';
  if (args.length < 1 || args.length > 2) throw new ImapError('BAD', `${verb} expects a mailbox name and optional parameters`);
  // RFC 3501: SELECT of another mailbox first deselects the current one, even if the new SELECT fails.
  const previous = context.session.deselect();
  if (previous) {
    previous.close();
    context.sendStatus('OK', 'Previous mailbox closed.', 'CLOSED');
  }
  const name = context.mailboxNames.decode(args[0]);
  const parameters = parseSelectParameters(args[1]);
  // RFC 7162 §3.2.5: QRESYNC only after ENABLE QRESYNC was answered in this connection.
  if (parameters.qresync && !context.session.enabled.has('QRESYNC')) throw new ImapError('BAD', 'QRESYNC not enabled: send ENABLE QRESYNC first');
  const mailbox = context.store.getMailbox(requireAccount(context), name);
  if (!mailbox) throw new ImapError('NO', `Mailbox does not exist: ${name}`, 'NONEXISTENT');
  if (parameters.condstore || parameters.qresync) context.session.enableCondstore();
  // A permanently read-only folder (the Journal) opens like EXAMINE even for SELECT: `OK [READ-ONLY]`.
  readOnly ||= context.isReadOnlyMailbox(mailbox.name);

  const selected = new SelectedMailbox({ store: context.store, mailboxId: mailbox.id, readOnly, origin: context.session.origin });
  if (readOnly) selected.showRecentWithoutClaiming(mailbox.firstRecentUid);
  else selected.claimRecent();
  // Keywords in use and the first unseen message come from one listing taken after the view subscribed.
  const messages = context.store.listMessages(mailbox.id);
  const keywords = new Set<string>();
  let firstUnseenUid: number | undefined;
  for (const message of messages) {
    for (const flag of message.flags) if (!flag.startsWith('\\')) keywords.add(flag);
    if (firstUnseenUid === undefined && !message.flags.includes('\\Seen')) firstUnseenUid = message.uid;
  }
  const current = context.store.getMailboxById(mailbox.id) ?? mailbox;
  // FLAGS and PERMANENTFLAGS (RFC 3501 §7.2.6); later keywords are announced by the view as they appear.
  selected.announceKeywords([[...keywords].sort()], (bytes) => context.sendRaw(bytes), true);
  context.send(selected.exists, { atom: 'EXISTS' });
  context.send(selected.recentUids.size, { atom: 'RECENT' });
  const rev2 = context.session.enabled.has('IMAP4REV2');
  if (rev2) context.send({ atom: 'LIST' }, listAttributes(context, current), HIERARCHY_DELIMITER, context.mailboxNames.encode(current.name));
  const firstUnseen = firstUnseenUid === undefined || rev2 ? undefined : selected.sequenceOf(firstUnseenUid);
  if (firstUnseen !== undefined) context.sendStatus('OK', `Message ${firstUnseen} is first unseen`, `UNSEEN ${firstUnseen}`);
  context.sendStatus('OK', 'UIDs valid', `UIDVALIDITY ${current.uidValidity}`);
  context.sendStatus('OK', 'Predicted next UID', `UIDNEXT ${current.uidNext}`);
  context.sendStatus('OK', 'Highest', `HIGHESTMODSEQ ${selected.highestModseq}`);
  // RFC 7162 §3.2.5: another UIDVALIDITY means the client's cache is void; it learns that from UIDVALIDITY.
  if (parameters.qresync && parameters.qresync.uidValidity === current.uidValidity) {
    sendChangesSince(context, selected, messages, parameters.qresync, current.uidNext - 1);
  }
  context.session.select(selected);
  return { code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${verb} completed` };
}

/** The attributes LIST would give the mailbox: children and special use (RFC 9051 §6.3.2 wants them accurate). */
function listAttributes(context: CommandContext, mailbox: MailboxRecord): Array<{ atom: string }> {
  const prefix = `${mailbox.name}${HIERARCHY_DELIMITER}`;
  const hasChildren = context.store.listMailboxes(mailbox.account).some((other) => other.name.startsWith(prefix));
  const attributes = [hasChildren ? '\\HasChildren' : '\\HasNoChildren'];
  if (mailbox.specialUse) attributes.push(mailbox.specialUse);
  return attributes.map((attribute) => ({ atom: attribute }));
}

/**
 * RFC 7162 §3.2.5.1: as `UID FETCH known-uids (FLAGS) (CHANGEDSINCE modseq VANISHED)`. The sequence match
 * data (§3.2.5.2) only helps a server that forgot expunges; we remember them, so, like Dovecot, we answer
 * from the record either way.
 */
function sendChangesSince(context: CommandContext, selected: SelectedMailbox, messages: readonly MessageRecord[], qresync: QresyncParameter, highestUid: number): void {
  const known = qresync.knownUids === undefined
    ? (highestUid > 0 ? [{ start: 1, end: highestUid }] : [])
    : uidRangesOf(qresync.knownUids, highestUid);
  const vanished = vanishedEarlier(context.store, selected, known, qresync.modseq);
  if (vanished !== undefined) context.send({ atom: 'VANISHED' }, [{ atom: 'EARLIER' }], { atom: vanished });
  let rangeIndex = 0;
  for (const message of messages) {
    while (rangeIndex < known.length && known[rangeIndex]!.end < message.uid) rangeIndex++;
    const range = known[rangeIndex];
    if (range === undefined) break;
    if (message.uid < range.start || message.modseq <= qresync.modseq) continue;
    const sequence = selected.sequenceOf(message.uid);
    if (sequence === undefined) continue;
    const flags = flagList(message, selected.recentUids.has(message.uid));
    context.send(sequence, { atom: 'FETCH' }, [{ atom: 'UID' }, message.uid, { atom: 'FLAGS' }, flags, { atom: 'MODSEQ' }, modseqValue(message)]);
  }
}
