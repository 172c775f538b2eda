// SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8, §7.2.5; RFC 7162 §3.1.5 MODSEQ key and `(MODSEQ n)`).
// Every message of the session's view is tested with the pure evaluator, metadata keys first; message bytes are
// loaded (through the shared parse cache) only for header/text/sent-date keys. CHARSET: UTF-8 and US-ASCII.
import { ImapError } from '../session/imap-error.ts';
import type { CommandContext, ImapCommandSpec } from '../session/command-context.ts';
import type { ImapValue } from '../protocol/protocol-types.ts';
import { parseSearchKeys } from '../protocol/argument-parsers.ts';
import { matchesSearch, planSearch, usesModseq } from '../messages/search-evaluator.ts';
import { messageCacheFor } from '../messages/message-cache.ts';

const SUPPORTED_CHARSETS = ['UTF-8', 'US-ASCII'];

function runSearch(context: CommandContext): void {
  const { request, store, session } = context;
  const selected = context.selected();
  if (request.args.length === 0) throw new ImapError('BAD', 'SEARCH expects search criteria');
  const { charset, key: criteria } = parseSearchKeys(request.args);
  if (charset !== undefined && !SUPPORTED_CHARSETS.includes(charset.toUpperCase())) {
    throw new ImapError('NO', `Charset ${charset} is not supported`, `BADCHARSET (${SUPPORTED_CHARSETS.join(' ')})`);
  }
  const reportModseq = usesModseq(criteria);
  const key = planSearch(criteria);
  if (reportModseq) session.enableCondstore();

  const mailbox = store.getMailboxById(selected.mailboxId);
  if (mailbox === undefined) throw new ImapError('NO', 'The selected mailbox no longer exists', 'NONEXISTENT');
  const records = new Map(store.listMessages(mailbox.id).map((record) => [record.uid, record]));
  const cache = messageCacheFor(store);
  const viewUids = selected.uids;
  const scope = { maxSequence: viewUids.length, maxUid: viewUids[viewUids.length - 1] ?? 0 };

  const matches: number[] = [];
  let highestModseq = 0;
  viewUids.forEach((uid, index) => {
    const record = records.get(uid);
    // Expunged by another session but not reported yet: it can match nothing any more.
    if (record === undefined) return;
    const candidate = {
      seq: index + 1,
      record,
      recent: selected.recentUids.has(uid),
      content: () => cache.load(store, mailbox.id, mailbox.uidValidity, uid),
    };
    if (!matchesSearch(key, candidate, scope)) return;
    matches.push(request.uid ? uid : index + 1);
    highestModseq = Math.max(highestModseq, record.modseq);
  });

  const response: ImapValue[] = [{ atom: 'SEARCH' }, ...matches];
  // RFC 7162 §3.1.5: the highest mod-sequence of the matches, only when something matched.
  if (reportModseq && matches.length > 0) response.push([{ atom: 'MODSEQ' }, highestModseq]);
  context.send(...response);
}

export const searchCommand: ImapCommandSpec = {
  name: 'SEARCH',
  states: ['selected'],
  uid: true,
  holdsExpunge: true,
  run: runSearch,
};
