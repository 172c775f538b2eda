// SELECT and EXAMINE (RFC 3501 §6.3.1/§6.3.2, RFC 7162 §3.1.2 CONDSTORE parameter and HIGHESTMODSEQ).
// Selecting always leaves the previous selection first, so a failed SELECT ends in the authenticated state.
// SELECT claims the \Recent messages for this session; EXAMINE is read-only and claims nothing.
import { tokenToMailbox } from '../protocol/argument-parsers.ts';
import type { Token } from '../protocol/protocol-types.ts';
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
  context.session.deselect()?.close();
  const name = tokenToMailbox(args[0]);
  const withCondstore = parseSelectParameters(args[1]);
  const mailbox = context.store.getMailbox(requireAccount(context), name);
  if (!mailbox) throw new ImapError('NO', `Mailbox does not exist: ${name}`, 'NONEXISTENT');
  if (withCondstore) context.session.enableCondstore();
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
  const firstUnseen = firstUnseenUid === undefined ? undefined : selected.sequenceOf(firstUnseenUid);
  if (firstUnseen !== undefined) context.sendStatus('OK', `Message ${firstUnseen} is first unseen`, `UNSEEN ${firstUnseen}`);
  context.sendStatus('OK', 'UIDs valid', `UIDVALIDITY ${current.uidValidity}`);
  context.sendStatus('OK', 'Predicted next UID', `UIDNEXT ${current.uidNext}`);
  context.sendStatus('OK', 'Highest', `HIGHESTMODSEQ ${current.highestModseq}`);
  context.session.select(selected);
  return { code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${verb} completed` };
}

/** RFC 4466 select-params; we know only CONDSTORE (RFC 7162 §3.1.8). */
function parseSelectParameters(token: Token | undefined): boolean {
  if (token === undefined) return false;
  if (token.type !== 'list') throw new ImapError('BAD', 'SELECT parameters must be a parenthesized list');
  let condstore = false;
  for (const item of token.items) {
    if (item.type === 'atom' && item.value.toUpperCase() === 'CONDSTORE') condstore = true;
    else throw new ImapError('BAD', 'Unknown SELECT parameter');
  }
  return condstore;
}
