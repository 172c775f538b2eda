// Sequence sets against a session's view (RFC 3501 §6.4.8 and §9 sequence-set, RFC 5182 `$`): which
// messages a command names, as (sequence number, uid) pairs in ascending order. Pure: the view's sorted uids in,
// pairs out; a sequence number beyond the view is a BAD, a uid not in it is skipped.
import type { SequenceSet } from '../protocol/protocol-types.ts';
import { ImapError } from './imap-error.ts';

export function resolveSequenceSet(uids: readonly number[], set: SequenceSet, byUid: boolean, savedSearch: ReadonlySet<number>): Array<{ seq: number; uid: number }> {
  const count = uids.length;
  if (set.saved) {
    return uids.flatMap((uid, index) => (savedSearch.has(uid) ? [{ seq: index + 1, uid }] : []));
  }
  const chosen = new Set<number>(); // sequence numbers
  if (byUid) {
    const highest = count > 0 ? uids[count - 1]! : 0;
    for (const range of set.ranges) {
      if (count === 0) break;
      const start = range.start === '*' ? highest : range.start;
      const end = range.end === '*' ? highest : range.end;
      const low = Math.min(start, end);
      const high = Math.max(start, end);
      // Walk the (sorted) uid list from the first uid >= low.
      for (let index = lowerBound(uids, low); index < count && uids[index]! <= high; index++) {
        chosen.add(index + 1);
      }
    }
  } else {
    for (const range of set.ranges) {
      const start = range.start === '*' ? count : range.start;
      const end = range.end === '*' ? count : range.end;
      const touchesStar = range.start === '*' || range.end === '*';
      // `*` in an empty mailbox (`1:*` from a client that did not look) selects nothing rather than failing.
      if (count === 0 && touchesStar) continue;
      const low = Math.min(start, end);
      const high = Math.max(start, end);
      if (low < 1 || (high > count && !touchesStar)) throw new ImapError('BAD', 'Invalid messageset');
      for (let sequence = low; sequence <= Math.min(high, count); sequence++) chosen.add(sequence);
    }
  }
  return [...chosen].sort((a, b) => a - b).map((seq) => ({ seq, uid: uids[seq - 1]! }));
}

/** Index of the first element >= value in an ascending array (its length when there is none). */
export function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Index of `value` in an ascending array, or -1. */
export function binarySearch(sorted: readonly number[], value: number): number {
  const index = lowerBound(sorted, value);
  return sorted[index] === value ? index : -1;
}
