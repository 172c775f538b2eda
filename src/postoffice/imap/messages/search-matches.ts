// Runs SEARCH criteria over the session's view of the selected mailbox (RFC 3501 §6.4.4), for SEARCH, SORT,
// THREAD (RFC 5256) and the update contexts of RFC 5267. Metadata keys are tried first (planSearch); message bytes
// are loaded through the shared parse cache only for header, text and sent-date keys. `$` (RFC 5182) is the
// session's saved result.
import type { SearchKey } from '../protocol/protocol-types.ts';
import type { MailboxRecord, MailStoreApi, MessageRecord } from '../../store/store-types.ts';
import type { SelectedMailbox } from '../session/selected-mailbox.ts';
import { messageCacheFor, type ParsedMessage } from './message-cache.ts';
import { matchesSearch, planSearch } from './search-evaluator.ts';

export interface MatchedMessage {
  /** Sequence number in the session's view. */
  seq: number;
  uid: number;
  record: MessageRecord;
}

/**
 * The messages of the view that match `criteria`, in mailbox order. `among` restricts the candidates (update
 * contexts re-check only the messages that changed). A message another session expunged but this one was not
 * told of yet matches nothing. `mailbox` must be the selected mailbox's record.
 */
export function findMatches(
  store: MailStoreApi,
  mailbox: MailboxRecord,
  selected: SelectedMailbox,
  criteria: SearchKey,
  among?: ReadonlySet<number>,
): MatchedMessage[] {
  const key = planSearch(criteria);
  const cache = messageCacheFor(store);
  const viewUids = selected.uids;
  const scope = { maxSequence: viewUids.length, maxUid: viewUids[viewUids.length - 1] ?? 0, savedUids: selected.savedSearch };
  const lookup = store.messageLookup(mailbox.id);
  const matches: MatchedMessage[] = [];
  const consider = (uid: number, seq: number): void => {
    const record = lookup(uid);
    if (record === undefined) return;
    const candidate = {
      seq,
      record,
      recent: selected.recentUids.has(uid),
      content: (): ParsedMessage | undefined => cache.load(store, mailbox.id, mailbox.uidValidity, uid),
    };
    if (matchesSearch(key, candidate, scope)) matches.push({ seq, uid, record });
  };
  if (among === undefined) {
    viewUids.forEach((uid, index) => consider(uid, index + 1));
    return matches;
  }
  for (const uid of [...among].sort((left, right) => left - right)) {
    const seq = selected.sequenceOf(uid);
    if (seq !== undefined) consider(uid, seq);
  }
  return matches;
}
