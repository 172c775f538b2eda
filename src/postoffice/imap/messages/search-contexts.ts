// RFC 5267 §4.3 update contexts (CONTEXT=SEARCH, CONTEXT=SORT): after SEARCH/SORT RETURN (UPDATE ...) the server
// keeps the result and tells the client how it changes, as `* ESEARCH (TAG "t") [UID] REMOVEFROM (...)` before the
// EXPUNGEs that cause them and `ADDTO (...)` after the EXISTS that make new sequence numbers valid. SEARCH contexts
// use position 0 (mailbox order, §4.3.3); SORT contexts give the 1-based position in the sorted result. Sort values
// never change (flags are not a sort key), so only membership changes: messages whose flags changed, that arrived
// or that were expunged are re-checked. Message numbers (and `$`) in the criteria mean the messages they named
// when the command ran (§4.3): they are turned into uid sets first. Contexts live as long as the selection,
// or until CANCELUPDATE (§4.3.5).
import type { ImapValue, SearchKey, SequenceSet } from '../protocol/protocol-types.ts';
import { formatSequenceSet, parseSequenceSet, sequenceSetContains } from '../protocol/sequence-set.ts';
import type { SortCriterion } from '../protocol/sort-arguments.ts';
import { quoteString, untagged } from '../protocol/response-writer.ts';
import type { MailStoreApi } from '../../store/store-types.ts';
import type { CommandContext } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import type { SelectedMailbox, ViewObserver } from '../session/selected-mailbox.ts';
import { orderedSequenceSet } from './esearch-response.ts';
import { messageCacheFor } from './message-cache.ts';
import { findMatches, type MatchedMessage } from './search-matches.ts';
import { compareSortEntries, sortEntry, type SortEntry } from './sort-order.ts';

/** RFC 5267 §4.3.1: at least one context per client; more than this many get NOUPDATE, as in Dovecot. */
export const MAX_UPDATE_CONTEXTS = 10;

interface UpdateContext {
  tag: string;
  byUid: boolean;
  criteria: SearchKey;
  /** Present for SORT contexts. */
  sort: readonly SortCriterion[] | undefined;
  /** The result in result order: ascending uids for SEARCH, sort order for SORT. */
  results: SortEntry[];
  members: Set<number>;
}

/** The update contexts of one selection; it is the selection's ViewObserver. */
export class SearchContexts implements ViewObserver {
  readonly #store: MailStoreApi;
  readonly #selected: SelectedMailbox;
  readonly #contexts = new Map<string, UpdateContext>();

  constructor(store: MailStoreApi, selected: SelectedMailbox) {
    this.#store = store;
    this.#selected = selected;
  }

  get size(): number {
    return this.#contexts.size;
  }

  has(tag: string): boolean {
    return this.#contexts.has(tag);
  }

  add(context: UpdateContext): void {
    this.#contexts.set(context.tag, context);
  }

  /** CANCELUPDATE: false when no context has this tag. */
  cancel(tag: string): boolean {
    return this.#contexts.delete(tag);
  }

  beforeExpunge(uids: readonly number[], write: (bytes: Buffer) => void): void {
    for (const context of this.#contexts.values()) {
      const gone = new Set(uids.filter((uid) => context.members.has(uid)));
      if (gone.size === 0) continue;
      write(this.#update(context, this.#removals(context, gone), []));
    }
  }

  afterFlush(changed: ReadonlySet<number>, write: (bytes: Buffer) => void): void {
    const mailbox = this.#store.getMailboxById(this.#selected.mailboxId);
    if (mailbox === undefined || this.#contexts.size === 0) return;
    // Messages expunged elsewhere but not reported yet keep their place until their EXPUNGE (beforeExpunge).
    const candidates = new Set([...changed].filter((uid) => !this.#selected.isExpungePending(uid) && this.#selected.sequenceOf(uid) !== undefined));
    if (candidates.size === 0) return;
    const cache = messageCacheFor(this.#store);
    for (const context of this.#contexts.values()) {
      const matching = new Map(findMatches(this.#store, mailbox, this.#selected, context.criteria, candidates).map((match) => [match.uid, match]));
      const removed = new Set([...candidates].filter((uid) => context.members.has(uid) && !matching.has(uid)));
      const added = [...matching.values()].filter((match) => !context.members.has(match.uid));
      if (removed.size === 0 && added.length === 0) continue;
      const removals = this.#removals(context, removed);
      const entries = added.map((match) => (context.sort === undefined
        ? { uid: match.uid, values: [] }
        : sortEntry({ uid: match.uid, record: match.record, content: () => cache.load(this.#store, mailbox.id, mailbox.uidValidity, match.uid) }, context.sort)));
      // Inserted in result order, so neighbours get neighbouring positions and share one pair.
      const additions = entries.sort((left, right) => this.#compare(context, left, right)).map((entry) => this.#insert(context, entry));
      write(this.#update(context, removals, additions));
    }
  }

  /** Takes `gone` out of the result; returns (position, uid) pairs, each valid after the ones before it. */
  #removals(context: UpdateContext, gone: ReadonlySet<number>): Array<[number, number]> {
    const pairs: Array<[number, number]> = [];
    const kept: SortEntry[] = [];
    for (const entry of context.results) {
      if (gone.has(entry.uid)) pairs.push([kept.length + 1, entry.uid]);
      else kept.push(entry);
    }
    context.results = kept;
    for (const uid of gone) context.members.delete(uid);
    return pairs;
  }

  /** The context's requested order: mailbox order for SEARCH, the sort criteria for SORT. */
  #compare(context: UpdateContext, left: SortEntry, right: SortEntry): number {
    return context.sort === undefined ? left.uid - right.uid : compareSortEntries(context.sort, left, right);
  }

  /** Puts `entry` in its place; returns its 1-based position. */
  #insert(context: UpdateContext, entry: SortEntry): [number, number] {
    let low = 0;
    let high = context.results.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#compare(context, context.results[middle]!, entry) < 0) low = middle + 1;
      else high = middle;
    }
    context.results.splice(low, 0, entry);
    context.members.add(entry.uid);
    return [low + 1, entry.uid];
  }

  /**
   * `* ESEARCH (TAG "t") [UID] [REMOVEFROM (...)] [ADDTO (...)]`, numbers as the command used them. Neighbouring
   * pairs become one (position, set) pair, the preferred form of §4.3.3: insertions at p, p+1, ... and removals
   * all at p.
   */
  #update(context: UpdateContext, removals: Array<[number, number]>, additions: Array<[number, number]>): Buffer {
    const id = (uid: number): number => (context.byUid ? uid : this.#selected.sequenceOf(uid) ?? 0);
    const response: ImapValue[] = [{ atom: 'ESEARCH' }, [{ atom: 'TAG' }, { atom: quoteString(context.tag) }]];
    if (context.byUid) response.push({ atom: 'UID' });
    const item = (name: string, pairs: Array<[number, number]>): void => {
      if (pairs.length === 0) return;
      if (context.sort === undefined) {
        // Position 0 with the whole set in mailbox order, the shortest form (§4.3.3, §4.3.4).
        const ids = pairs.map(([, uid]) => id(uid)).sort((left, right) => left - right);
        response.push({ atom: name }, [0, { atom: orderedSequenceSet(ids) }]);
      } else {
        const groups: Array<{ position: number; ids: number[] }> = [];
        for (const [position, uid] of pairs) {
          const last = groups[groups.length - 1];
          const continues = last !== undefined && position === (name === 'ADDTO' ? last.position + last.ids.length : last.position);
          if (continues) last.ids.push(id(uid));
          else groups.push({ position, ids: [id(uid)] });
        }
        response.push({ atom: name }, groups.flatMap((group): ImapValue[] => [group.position, { atom: orderedSequenceSet(group.ids) }]));
      }
    };
    item('REMOVEFROM', removals);
    item('ADDTO', additions);
    return untagged(...response);
  }
}

/** The messages of the view a sequence or uid set names now. */
function namedUids(set: SequenceSet, byUid: boolean, selected: SelectedMailbox): number[] {
  const uids = selected.uids;
  if (set.saved) return uids.filter((uid) => selected.savedSearch.has(uid));
  const max = byUid ? (uids[uids.length - 1] ?? 0) : uids.length;
  return uids.filter((uid, index) => sequenceSetContains(set, byUid ? uid : index + 1, max));
}

/** A key matching exactly `uids`. */
function uidKey(uids: readonly number[]): SearchKey {
  if (uids.length === 0) return { kind: 'not', key: { kind: 'all' } };
  return { kind: 'uid', set: parseSequenceSet(formatSequenceSet([...uids])) };
}

/** The criteria with message numbers and `$` replaced by the uids they name now (RFC 5267 §4.3). */
function frozenCriteria(key: SearchKey, selected: SelectedMailbox): SearchKey {
  switch (key.kind) {
    case 'sequence':
      return uidKey(namedUids(key.set, false, selected));
    case 'uid':
      // A uid names the same message forever; only `$` changes meaning with the next SAVE.
      return key.set.saved ? uidKey(namedUids(key.set, true, selected)) : key;
    case 'and':
      return { kind: 'and', keys: key.keys.map((inner) => frozenCriteria(inner, selected)) };
    case 'or':
      return { kind: 'or', left: frozenCriteria(key.left, selected), right: frozenCriteria(key.right, selected) };
    case 'not':
      return { kind: 'not', key: frozenCriteria(key.key, selected) };
    default:
      return key;
  }
}

/** The contexts of the selection, created with the first one. */
function contextsOf(context: CommandContext, selected: SelectedMailbox): SearchContexts {
  if (selected.observer instanceof SearchContexts) return selected.observer;
  const contexts = new SearchContexts(context.store, selected);
  selected.observer = contexts;
  return contexts;
}

/** The contexts of the current selection, if any were started (CANCELUPDATE). */
export function existingSearchContexts(selected: SelectedMailbox): SearchContexts | undefined {
  return selected.observer instanceof SearchContexts ? selected.observer : undefined;
}

/** §4.3: UPDATE under a tag an update context already has is BAD; check before answering anything. */
export function requireUnusedUpdateTag(context: CommandContext): void {
  const { tag } = context.request;
  if (existingSearchContexts(context.selected())?.has(tag) === true) {
    throw new ImapError('BAD', `Tag ${tag} is already used by an update context; use a new tag`);
  }
}

/**
 * RETURN (UPDATE): keeps `matches` (in result order: mailbox order for SEARCH, `sorted` for SORT) as a context
 * tagged with the command's tag, after the command's ESEARCH response. Past MAX_UPDATE_CONTEXTS the client gets
 * `* NO [NOUPDATE "tag"]` and the command still completes (§4.3.1).
 */
export function startSearchUpdates(
  context: CommandContext,
  criteria: SearchKey,
  sort: { criteria: readonly SortCriterion[]; entries: SortEntry[] } | undefined,
  matches: readonly MatchedMessage[],
): void {
  const selected = context.selected();
  const { tag, uid: byUid } = context.request;
  const contexts = contextsOf(context, selected);
  if (contexts.size >= MAX_UPDATE_CONTEXTS) {
    context.sendStatus('NO', `At most ${MAX_UPDATE_CONTEXTS} update contexts; cancel one with CANCELUPDATE`, `NOUPDATE ${quoteString(tag)}`);
    return;
  }
  const results = sort === undefined ? matches.map((match) => ({ uid: match.uid, values: [] })) : [...sort.entries];
  const frozen = frozenCriteria(criteria, selected);
  contexts.add({ tag, byUid, criteria: frozen, sort: sort?.criteria, results, members: new Set(results.map((entry) => entry.uid)) });
}
