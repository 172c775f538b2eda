// Runs SEARCH criteria over the session's view of the selected mailbox (RFC 3501 §6.4.4), for SEARCH, SORT,
// THREAD (RFC 5256) and the update contexts of RFC 5267. The criteria are compiled once per SEARCH with the
// metadata keys first (planSearch, compileSearch); header and sent-date keys read the shared header cache
// (header-cache.ts), text keys the shared parse cache. `$` (RFC 5182) is the session's saved result.
import type { SearchKey } from '../protocol/protocol-types.ts';
import type { MailboxRecord, MailStoreApi, MessageRecord } from '../../store/store-types.ts';
import type { SelectedMailbox } from '../session/selected-mailbox.ts';
import { headerCacheFor } from './header-cache.ts';
import { messageCacheFor, type ParsedMessage } from './message-cache.ts';
import { compileSearch, planSearch, type SearchCandidate } from './search-evaluator.ts';

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
  const cache = messageCacheFor(store);
  const headers = headerCacheFor(store);
  const viewUids = selected.uids;
  const scope = { maxSequence: viewUids.length, maxUid: viewUids[viewUids.length - 1] ?? 0, savedUids: selected.savedSearch };
  const test = compileSearch(planSearch(criteria), scope);
  const matches: MatchedMessage[] = [];
  // One candidate object, refilled per message: a SEARCH visits every message of the mailbox, and an object
  // and a closure per message were a large part of its cost.
  let current: MessageRecord | undefined;
  const columns = new Map<string, (uid: number) => readonly string[] | undefined>();
  const candidate: SearchCandidate = {
    seq: 0,
    record: undefined as unknown as MessageRecord,
    isRecent: () => current !== undefined && selected.recentUids.has(current.uid),
    content: (): ParsedMessage | undefined => (current === undefined ? undefined : cache.load(store, mailbox.id, mailbox.uidValidity, current.uid)),
    headers: () => (current === undefined ? undefined : headers.load(store, mailbox.id, mailbox.uidValidity, current.uid)),
    foldedHeader: (lowerName) => {
      if (current === undefined) return undefined;
      let column = columns.get(lowerName);
      if (column === undefined) {
        column = headers.foldedColumn(store, mailbox.id, mailbox.uidValidity, lowerName);
        columns.set(lowerName, column);
      }
      return column(current.uid);
    },
  };
  const consider = (record: MessageRecord, seq: number): void => {
    current = record;
    candidate.seq = seq;
    candidate.record = record;
    if (test(candidate)) matches.push({ seq, uid: record.uid, record });
  };
  if (among === undefined) {
    // The view and the listing both ascend by uid: walk them side by side. A uid of the view the store no
    // longer has (expunged elsewhere, not yet told) matches nothing; messages the view does not show yet are
    // not searched.
    const records = store.listMessages(mailbox.id);
    let next = 0;
    for (let index = 0; index < viewUids.length; index++) {
      const uid = viewUids[index]!;
      while (next < records.length && records[next]!.uid < uid) next += 1;
      const record = records[next];
      if (record !== undefined && record.uid === uid) consider(record, index + 1);
    }
    return matches;
  }
  const lookup = store.messageLookup(mailbox.id);
  for (const uid of [...among].sort((left, right) => left - right)) {
    const seq = selected.sequenceOf(uid);
    const record = seq === undefined ? undefined : lookup(uid);
    if (seq !== undefined && record !== undefined) consider(record, seq);
  }
  return matches;
}
