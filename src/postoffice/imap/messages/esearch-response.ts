// The ESEARCH response of SEARCH and SORT with RETURN options (RFC 4731 §3.1 MIN MAX ALL COUNT, §3.2 MODSEQ;
// RFC 5267 §3.1 ESORT, where MIN/MAX/ALL follow the sort order, §4.4 PARTIAL) and the messages a RETURN (SAVE)
// keeps as `$` (RFC 5182 §2.4). Items come in Dovecot's order: MIN, MAX, ALL, PARTIAL, COUNT, MODSEQ; an empty
// result carries only COUNT (when asked for), as RFC 4731 §3.1 and Dovecot have it.
import type { ImapValue } from '../protocol/protocol-types.ts';
import type { SearchReturn } from '../protocol/search-return.ts';
import { quoteString } from '../protocol/response-writer.ts';

/** One result of the search, in result order (mailbox order for SEARCH, the requested order for SORT). */
export interface ResultEntry {
  /** Sequence number or uid, as the command reports them. */
  id: number;
  uid: number;
  modseq: number;
}

export interface EsearchInput {
  tag: string;
  byUid: boolean;
  searchReturn: SearchReturn;
  results: readonly ResultEntry[];
  /** The criteria used MODSEQ (RFC 7162 §3.1.5): report the highest mod-sequence of the reported messages. */
  reportModseq: boolean;
  /** SORT results: ALL keeps the requested order, so only ascending runs become ranges (RFC 5267 §3.2). */
  sorted: boolean;
}

/**
 * A sequence set for `ids` in the given order: consecutive ascending runs become `a:b`. For a SEARCH result
 * (ascending ids) this is the shortest form; for a SORT result it never reorders (`3,2,1` stays as it is).
 */
export function orderedSequenceSet(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let index = 0; index < ids.length; index++) {
    const start = ids[index]!;
    let end = start;
    while (index + 1 < ids.length && ids[index + 1] === end + 1) end = ids[++index]!;
    parts.push(start === end ? String(start) : `${start}:${end}`);
  }
  return parts.join(',');
}

/** The part of the results PARTIAL low:high selects (1-based, inclusive). */
function partialSlice(results: readonly ResultEntry[], partial: { low: number; high: number }): readonly ResultEntry[] {
  return results.slice(partial.low - 1, partial.high);
}

function ascendingIds(entries: readonly ResultEntry[]): number[] {
  return entries.map((entry) => entry.id).sort((left, right) => left - right);
}

/** The messages the options report on: every result for ALL/COUNT (or a bare SAVE), else MIN, MAX and PARTIAL's. */
function reportedEntries(searchReturn: SearchReturn, results: readonly ResultEntry[]): readonly ResultEntry[] {
  const { options, partial } = searchReturn;
  if (options.has('ALL') || options.has('COUNT')) return results;
  if (!options.has('MIN') && !options.has('MAX') && partial === undefined) return results;
  const chosen = new Set<ResultEntry>();
  if (options.has('MIN') && results.length > 0) chosen.add(results[0]!);
  if (options.has('MAX') && results.length > 0) chosen.add(results[results.length - 1]!);
  if (partial !== undefined) for (const entry of partialSlice(results, partial)) chosen.add(entry);
  return results.filter((entry) => chosen.has(entry));
}

/** The uids RETURN (SAVE) keeps as `$` (RFC 5182 §2.4: with MIN/MAX but neither ALL nor COUNT, only those). */
export function savedSearchUids(searchReturn: SearchReturn, results: readonly ResultEntry[]): number[] {
  return reportedEntries(searchReturn, results).map((entry) => entry.uid);
}

/**
 * `ESEARCH (TAG "t") [UID] ...` as the values after `*`, or undefined when nothing is to be sent: a RETURN
 * (SAVE) alone only saves (RFC 5182 §2.1).
 */
export function esearchResponse(input: EsearchInput): ImapValue[] | undefined {
  const { searchReturn, results } = input;
  const { options, partial } = searchReturn;
  if (options.size === 1 && options.has('SAVE') && partial === undefined) return undefined;
  const response: ImapValue[] = [{ atom: 'ESEARCH' }, [{ atom: 'TAG' }, { atom: quoteString(input.tag) }]];
  if (input.byUid) response.push({ atom: 'UID' });
  const first = results[0];
  const last = results[results.length - 1];
  if (options.has('MIN') && first !== undefined) response.push({ atom: 'MIN' }, first.id);
  if (options.has('MAX') && last !== undefined) response.push({ atom: 'MAX' }, last.id);
  if (options.has('ALL') && results.length > 0) {
    const ids = input.sorted ? results.map((entry) => entry.id) : ascendingIds(results);
    response.push({ atom: 'ALL' }, { atom: orderedSequenceSet(ids) });
  }
  if (partial !== undefined) {
    const slice = partialSlice(results, partial);
    const ids = input.sorted ? slice.map((entry) => entry.id) : ascendingIds(slice);
    response.push({ atom: 'PARTIAL' }, [{ atom: `${partial.low}:${partial.high}` }, ids.length > 0 ? { atom: orderedSequenceSet(ids) } : null]);
  }
  if (options.has('COUNT')) response.push({ atom: 'COUNT' }, results.length);
  if (input.reportModseq) {
    const reported = reportedEntries(searchReturn, results);
    if (reported.length > 0) response.push({ atom: 'MODSEQ' }, reported.reduce((highest, entry) => Math.max(highest, entry.modseq), 0));
  }
  return response;
}
