// FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8, §7.4.2; RFC 7162 §3.1.4 CHANGEDSINCE and MODSEQ, §3.2.6
// VANISHED: `* VANISHED (EARLIER)` before any FETCH response, see vanished-earlier.ts; RFC 5530
// EXPUNGEISSUED, see expunge-issued.ts). Reads metadata from the store, parses each message at most once (shared
// LRU), sets \Seen for non-PEEK body fetches in a read-write mailbox (reporting the new FLAGS), and answers one
// `* n FETCH` per message, after `* FLAGS` when the flags shown hold a keyword the client was not told of.
import { ImapError } from '../session/imap-error.ts';
import type { CommandContext, CommandResult, ImapCommandSpec } from '../session/command-context.ts';
import type { FetchItem } from '../protocol/protocol-types.ts';
import { parseFetchItems, parseFetchModifiers, parseSequenceSet, tokenToAtom } from '../protocol/argument-parsers.ts';
import type { MessageRecord } from '../../store/store-types.ts';
import { needsContent, renderFetchItems, setsSeenFlag } from '../messages/fetch-renderer.ts';
import { messageCacheFor, type ParsedMessage } from '../messages/message-cache.ts';
import { selectMessages, type SelectedMessage } from '../messages/select-messages.ts';
import { expungeIssued } from '../messages/expunge-issued.ts';
import { uidRangesOf, vanishedEarlier } from '../messages/vanished-earlier.ts';

const SEEN = '\\Seen';

function hasItem(items: readonly FetchItem[], kind: FetchItem['kind']): boolean {
  return items.some((item) => item.kind === kind);
}

function isSeen(record: MessageRecord): boolean {
  return record.flags.some((flag) => flag.toLowerCase() === '\\seen');
}

/**
 * Marks the unseen messages \Seen through the group commit (shared with the other sessions' writes); returns
 * the records after the change by uid.
 */
async function markSeen(context: CommandContext, mailboxId: number, messages: readonly SelectedMessage[]): Promise<Map<number, MessageRecord>> {
  const unseen = messages.filter((message) => !isSeen(message.record)).map((message) => message.record.uid);
  const changed = new Map<number, MessageRecord>();
  if (unseen.length === 0) return changed;
  const { updated } = await context.store.storeFlagsGrouped(mailboxId, unseen, 'add', [SEEN], context.session.origin);
  for (const record of updated) changed.set(record.uid, record);
  return changed;
}

async function runFetch(context: CommandContext): Promise<CommandResult | void> {
  const { request, store, session } = context;
  const selected = context.selected();
  const [setToken, itemsToken, modifiersToken, ...extra] = request.args;
  if (itemsToken === undefined || extra.length > 0) {
    throw new ImapError('BAD', 'FETCH expects a sequence set, fetch attributes and optional modifiers');
  }
  const set = parseSequenceSet(tokenToAtom(setToken, 'sequence set'));
  let items = parseFetchItems([itemsToken]);
  const modifiers = parseFetchModifiers(modifiersToken);
  if (modifiers.vanished) {
    // RFC 7162 §3.2.6: a UID FETCH modifier, only with CHANGEDSINCE, only after ENABLE QRESYNC.
    if (!request.uid) throw new ImapError('BAD', 'VANISHED is a UID FETCH modifier, not a FETCH one');
    if (modifiers.changedSince === undefined) throw new ImapError('BAD', 'VANISHED used without CHANGEDSINCE');
    if (!session.enabled.has('QRESYNC')) throw new ImapError('BAD', 'VANISHED needs QRESYNC: send ENABLE QRESYNC first');
  }

  // RFC 7162 §3.1.4.1: MODSEQ and CHANGEDSINCE turn CONDSTORE on; from then on FETCH responses carry MODSEQ.
  if (hasItem(items, 'MODSEQ') || modifiers.changedSince !== undefined) session.enableCondstore();
  // RFC 3501 §6.4.8: UID FETCH always reports UID, first so the client can key the response early.
  // RFC 7162 §3.2.4: with QRESYNC, a FETCH that sets \Seen reports UID (and MODSEQ) like any other flag change.
  const reportsUid = request.uid || (session.enabled.has('QRESYNC') && setsSeenFlag(items) && !selected.readOnly);
  if (reportsUid && !hasItem(items, 'UID')) items = [{ kind: 'UID' }, ...items];
  if (session.condstore && !hasItem(items, 'MODSEQ')) items = [...items, { kind: 'MODSEQ' }];

  const mailbox = store.getMailboxById(selected.mailboxId);
  if (mailbox === undefined) throw new ImapError('NO', 'The selected mailbox no longer exists', 'NONEXISTENT');

  const selection = selectMessages(store, selected, set, request.uid);
  const changedSince = modifiers.changedSince;
  const wanted = changedSince === undefined
    ? selection.messages
    : selection.messages.filter((message) => message.record.modseq > changedSince);

  // RFC 3501 §6.3.2: an EXAMINEd mailbox is never changed, not even by an implicit \Seen.
  const seenChanges = setsSeenFlag(items) && !selected.readOnly ? await markSeen(context, mailbox.id, wanted) : new Map<number, MessageRecord>();
  const itemsWithFlags: FetchItem[] = hasItem(items, 'FLAGS') ? items : [...items, { kind: 'FLAGS' }];

  if (hasItem(items, 'FLAGS') || seenChanges.size > 0) {
    const shown = wanted.map((message) => (seenChanges.get(message.record.uid) ?? message.record).flags);
    selected.announceKeywords(shown, (bytes) => context.sendRaw(bytes));
  }

  if (modifiers.vanished && changedSince !== undefined) {
    const requested = uidRangesOf(set, mailbox.uidNext - 1, selected.savedSearch);
    const earlier = vanishedEarlier(store, selected, requested, changedSince);
    if (earlier !== undefined) context.send({ atom: 'VANISHED' }, [{ atom: 'EARLIER' }], { atom: earlier });
  }

  const cache = messageCacheFor(store);
  const readsContent = needsContent(items);
  const vanished = [...selection.vanishedUids];
  for (const message of wanted) {
    const uid = message.record.uid;
    let parsed: ParsedMessage | undefined;
    if (readsContent) {
      parsed = cache.load(store, mailbox.id, mailbox.uidValidity, uid);
      if (parsed === undefined) {
        vanished.push(uid); // expunged by another session between the listing and now
        continue;
      }
    }
    const changed = seenChanges.get(uid);
    const record = changed ?? message.record;
    // A \Seen this FETCH just set must be reported (RFC 3501 §6.4.5): add FLAGS when the client did not ask.
    const renderItems = changed !== undefined && changed.modseq !== message.record.modseq ? itemsWithFlags : items;
    const attributes = renderFetchItems(renderItems, {
      record,
      recent: selected.recentUids.has(uid),
      content: () => {
        if (parsed === undefined) throw new Error(`fetch of uid ${uid} read content it did not load`);
        return parsed;
      },
    });
    context.send(message.seq, { atom: 'FETCH' }, attributes);
  }
  if (vanished.length > 0) return expungeIssued();
}

export const fetchCommand: ImapCommandSpec = {
  name: 'FETCH',
  states: ['selected'],
  uid: true,
  holdsExpunge: true,
  run: runFetch,
};
