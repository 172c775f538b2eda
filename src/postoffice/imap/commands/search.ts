// SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8, §7.2.5; RFC 7162 §3.1.5 MODSEQ key and `(MODSEQ n)`), with the
// result options of RFC 4731 (ESEARCH: `RETURN (MIN MAX ALL COUNT)` answered by `* ESEARCH`), RFC 5182 (SEARCHRES:
// `RETURN (SAVE)` keeps the result as `$`) and RFC 5267 §4 (CONTEXT=SEARCH: PARTIAL, UPDATE). CHARSET: UTF-8 and
// US-ASCII. After ENABLE IMAP4rev2 a SEARCH without RETURN answers ESEARCH ALL (RFC 9051 §6.4.4). Matching itself
// is messages/search-matches.ts.
import { ImapError } from '../session/imap-error.ts';
import type { CommandContext, ImapCommandSpec } from '../session/command-context.ts';
import type { ImapValue } from '../protocol/protocol-types.ts';
import type { MailboxRecord } from '../../store/store-types.ts';
import { parseSearchKeys, parseSearchReturn, ProtocolSyntaxError } from '../protocol/argument-parsers.ts';
import { usesModseq } from '../messages/search-evaluator.ts';
import { findMatches } from '../messages/search-matches.ts';
import { esearchResponse, savedSearchUids, type ResultEntry } from '../messages/esearch-response.ts';
import { requireUnusedUpdateTag, startSearchUpdates } from '../messages/search-contexts.ts';

export const SUPPORTED_CHARSETS = ['UTF-8', 'US-ASCII'];

/** NO [BADCHARSET] for a charset we cannot search in (RFC 3501 §6.4.4). */
export function requireSupportedCharset(charset: string | undefined): void {
  if (charset !== undefined && !SUPPORTED_CHARSETS.includes(charset.toUpperCase())) {
    throw new ImapError('NO', `Charset ${charset} is not supported`, `BADCHARSET (${SUPPORTED_CHARSETS.join(' ')})`);
  }
}

/**
 * RFC 5182 §2.1: a SEARCH with SAVE that fails with NO empties `$`; one that fails with BAD leaves it alone.
 * Call from the failure path of a command that was asked to SAVE.
 */
export function forgetSavedSearchAfterFailure(context: CommandContext, error: unknown): void {
  const bad = error instanceof ProtocolSyntaxError || (error instanceof ImapError && error.status === 'BAD');
  if (!bad) context.selected().saveSearch([]);
}

/** The selected mailbox's store record, or NO [NONEXISTENT] when it was deleted underneath the session. */
export function selectedMailboxRecord(context: CommandContext): MailboxRecord {
  const mailbox = context.store.getMailboxById(context.selected().mailboxId);
  if (mailbox === undefined) throw new ImapError('NO', 'The selected mailbox no longer exists', 'NONEXISTENT');
  return mailbox;
}

function runSearch(context: CommandContext): void {
  const { request, store, session } = context;
  const selected = context.selected();
  const { searchReturn, rest } = parseSearchReturn(request.args);
  const saving = searchReturn?.options.has('SAVE') === true;
  try {
    if (rest.length === 0) throw new ImapError('BAD', 'SEARCH expects search criteria');
    const { charset, key: criteria } = parseSearchKeys(rest);
    requireSupportedCharset(charset);
    // A BAD must leave `$` as it was (RFC 5182 §2.1): check the tag before anything is saved.
    if (searchReturn?.options.has('UPDATE') === true) requireUnusedUpdateTag(context);
    const reportModseq = usesModseq(criteria);
    if (reportModseq) session.enableCondstore();
    const mailbox = selectedMailboxRecord(context);
    const matches = findMatches(store, mailbox, selected, criteria);
    // RFC 9051 §6.4.4: after ENABLE IMAP4rev2 a plain SEARCH is answered like RETURN (ALL), with ESEARCH.
    if (searchReturn === undefined && session.enabled.has('IMAP4REV2')) {
      const results: ResultEntry[] = matches.map((match) => ({ id: request.uid ? match.uid : match.seq, uid: match.uid, modseq: match.record.modseq }));
      const response = esearchResponse({ tag: request.tag, byUid: request.uid, searchReturn: { options: new Set(['ALL']) }, results, reportModseq, sorted: false });
      if (response !== undefined) context.send(...response);
      return;
    }
    if (searchReturn === undefined) {
      // The numbers as one verbatim atom: a SEARCH answers with up to a whole mailbox of them, and serialising each
      // as a value of its own was a sixth of its cost.
      const numbers = matches.map((match) => (request.uid ? match.uid : match.seq)).join(' ');
      const response: ImapValue[] = numbers === '' ? [{ atom: 'SEARCH' }] : [{ atom: 'SEARCH' }, { atom: numbers }];
      // RFC 7162 §3.1.5: the highest mod-sequence of the matches, only when something matched.
      if (reportModseq && matches.length > 0) {
        response.push([{ atom: 'MODSEQ' }, matches.reduce((highest, match) => Math.max(highest, match.record.modseq), 0)]);
      }
      context.send(...response);
      return;
    }
    const results: ResultEntry[] = matches.map((match) => ({ id: request.uid ? match.uid : match.seq, uid: match.uid, modseq: match.record.modseq }));
    if (saving) selected.saveSearch(savedSearchUids(searchReturn, results));
    const response = esearchResponse({ tag: request.tag, byUid: request.uid, searchReturn, results, reportModseq, sorted: false });
    if (response !== undefined) context.send(...response);
    if (searchReturn.options.has('UPDATE')) startSearchUpdates(context, criteria, undefined, matches);
  } catch (error) {
    if (saving) forgetSavedSearchAfterFailure(context, error);
    throw error;
  }
}

export const searchCommand: ImapCommandSpec = {
  name: 'SEARCH',
  states: ['selected'],
  uid: true,
  holdsExpunge: true,
  run: runSearch,
};
