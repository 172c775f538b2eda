// SORT and UID SORT (RFC 5256 §3, RFC 5957 SORT=DISPLAY): the messages matching the criteria, in the requested
// order, as `* SORT ids` (with `(MODSEQ n)` when the criteria used MODSEQ, RFC 7162 §3.1.5). With RETURN (...) the
// result is an ESEARCH response (RFC 5267 §3 ESORT: MIN/MAX/ALL follow the sort order; §4 CONTEXT=SORT: PARTIAL,
// UPDATE) and SAVE keeps it as `$` (RFC 5182). The order itself is messages/sort-order.ts.
import type { CommandContext, ImapCommandSpec } from '../session/command-context.ts';
import type { ImapValue } from '../protocol/protocol-types.ts';
import { parseSortArguments } from '../protocol/argument-parsers.ts';
import { usesModseq } from '../messages/search-evaluator.ts';
import { findMatches } from '../messages/search-matches.ts';
import { messageCacheFor } from '../messages/message-cache.ts';
import { sortSubjects } from '../messages/sort-order.ts';
import { esearchResponse, savedSearchUids, type ResultEntry } from '../messages/esearch-response.ts';
import { requireUnusedUpdateTag, startSearchUpdates } from '../messages/search-contexts.ts';
import { forgetSavedSearchAfterFailure, requireSupportedCharset, selectedMailboxRecord } from './search.ts';

function runSort(context: CommandContext): void {
  const { request, store, session } = context;
  const selected = context.selected();
  const { searchReturn, criteria, charset, key } = parseSortArguments(request.args);
  const saving = searchReturn?.options.has('SAVE') === true;
  try {
    requireSupportedCharset(charset);
    // A BAD must leave `$` as it was (RFC 5182 §2.1): check the tag before anything is saved.
    if (searchReturn?.options.has('UPDATE') === true) requireUnusedUpdateTag(context);
    const reportModseq = usesModseq(key);
    if (reportModseq) session.enableCondstore();
    const mailbox = selectedMailboxRecord(context);
    const matches = findMatches(store, mailbox, selected, key);
    const cache = messageCacheFor(store);
    const entries = sortSubjects(
      matches.map((match) => ({ uid: match.uid, record: match.record, content: () => cache.load(store, mailbox.id, mailbox.uidValidity, match.uid) })),
      criteria,
    );
    const byUid = new Map(matches.map((match) => [match.uid, match]));
    const results: ResultEntry[] = entries.map((entry) => {
      const match = byUid.get(entry.uid)!;
      return { id: request.uid ? match.uid : match.seq, uid: match.uid, modseq: match.record.modseq };
    });
    if (searchReturn === undefined) {
      const response: ImapValue[] = [{ atom: 'SORT' }, ...results.map((result) => result.id)];
      if (reportModseq && results.length > 0) {
        response.push([{ atom: 'MODSEQ' }, results.reduce((highest, result) => Math.max(highest, result.modseq), 0)]);
      }
      context.send(...response);
      return;
    }
    if (saving) selected.saveSearch(savedSearchUids(searchReturn, results));
    const response = esearchResponse({ tag: request.tag, byUid: request.uid, searchReturn, results, reportModseq, sorted: true });
    if (response !== undefined) context.send(...response);
    if (searchReturn.options.has('UPDATE')) startSearchUpdates(context, key, { criteria, entries }, matches);
  } catch (error) {
    if (saving) forgetSavedSearchAfterFailure(context, error);
    throw error;
  }
}

export const sortCommand: ImapCommandSpec = {
  name: 'SORT',
  states: ['selected'],
  uid: true,
  // RFC 5256 §3: no EXPUNGE responses during SORT (UID SORT may have them).
  holdsExpunge: true,
  run: runSort,
};
