// `* VANISHED (EARLIER) uids` (RFC 7162 §3.2.10.1) for SELECT/EXAMINE (QRESYNC ...) (§3.2.5.1) and
// UID FETCH ... (CHANGEDSINCE n VANISHED) (§3.2.6): the UIDs of the client's set that were expunged after its
// MODSEQ, from the store's expunge record. UIDs the session still shows (an expunge by another session that
// is not reported yet) are left out: the plain `* VANISHED` that reports them comes with the next flush.
// Works on UID ranges throughout, so a set like 1:4000000000 costs nothing.
import type { SequenceSet } from '../protocol/protocol-types.ts';
import type { MailStoreApi, UidRange } from '../../store/store-types.ts';
import type { SelectedMailbox } from '../session/selected-mailbox.ts';

/**
 * A sequence set of UIDs as sorted, disjoint ranges. `*` stands for `highestUid` (UIDNEXT - 1, so that
 * `n:*` also covers expunged UIDs above the last message, as Dovecot answers); `$` for the saved search.
 */
export function uidRangesOf(set: SequenceSet, highestUid: number, savedUids: Iterable<number> = []): UidRange[] {
  const ranges: UidRange[] = [];
  if (set.saved) {
    for (const uid of savedUids) ranges.push({ start: uid, end: uid });
  }
  for (const range of set.ranges) {
    if (highestUid === 0 && (range.start === '*' || range.end === '*')) continue;
    const start = range.start === '*' ? highestUid : range.start;
    const end = range.end === '*' ? highestUid : range.end;
    ranges.push({ start: Math.min(start, end), end: Math.max(start, end) });
  }
  return mergeRanges(ranges);
}

/** The `(EARLIER)` set as IMAP text, or undefined when nothing in `requested` vanished after `sinceModseq`. */
export function vanishedEarlier(store: MailStoreApi, selected: SelectedMailbox, requested: readonly UidRange[], sinceModseq: number): string | undefined {
  if (requested.length === 0) return undefined;
  const expunged = intersectRanges(store.expungedSince(selected.mailboxId, sinceModseq), requested);
  const remaining = withoutUids(expunged, selected.pendingExpungeUids);
  return remaining.length === 0 ? undefined : formatRanges(remaining);
}

function mergeRanges(ranges: UidRange[]): UidRange[] {
  const sorted = [...ranges].sort((left, right) => left.start - right.start);
  const merged: UidRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.start <= last.end + 1) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** Both inputs sorted and disjoint. */
function intersectRanges(left: readonly UidRange[], right: readonly UidRange[]): UidRange[] {
  const result: UidRange[] = [];
  let leftIndex = 0;
  let rightIndex = 0;
  while (leftIndex < left.length && rightIndex < right.length) {
    const a = left[leftIndex]!;
    const b = right[rightIndex]!;
    const start = Math.max(a.start, b.start);
    const end = Math.min(a.end, b.end);
    if (start <= end) result.push({ start, end });
    if (a.end < b.end) leftIndex++;
    else rightIndex++;
  }
  return result;
}

function withoutUids(ranges: readonly UidRange[], uids: readonly number[]): UidRange[] {
  if (uids.length === 0) return [...ranges];
  const excluded = [...uids].sort((left, right) => left - right);
  const result: UidRange[] = [];
  for (const range of ranges) {
    let start = range.start;
    for (const uid of excluded) {
      if (uid < start || uid > range.end) continue;
      if (uid > start) result.push({ start, end: uid - 1 });
      start = uid + 1;
    }
    if (start <= range.end) result.push({ start, end: range.end });
  }
  return result;
}

function formatRanges(ranges: readonly UidRange[]): string {
  return ranges.map((range) => (range.start === range.end ? String(range.start) : `${range.start}:${range.end}`)).join(',');
}
