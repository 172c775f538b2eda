// THREAD and UID THREAD (RFC 5256 §4; THREAD=ORDEREDSUBJECT and THREAD=REFERENCES): the messages matching the
// criteria grouped into threads, answered as `* THREAD (2)(3 6 (4 23)(44 7 96))`. The algorithms are
// messages/thread-ordered-subject.ts and messages/thread-references.ts.
import type { CommandContext, ImapCommandSpec } from '../session/command-context.ts';
import { parseThreadArguments } from '../protocol/argument-parsers.ts';
import { untagged } from '../protocol/response-writer.ts';
import { findMatches } from '../messages/search-matches.ts';
import { messageCacheFor } from '../messages/message-cache.ts';
import { formatThreads, threadMessage } from '../messages/thread-tree.ts';
import { threadByReferences } from '../messages/thread-references.ts';
import { threadByOrderedSubject } from '../messages/thread-ordered-subject.ts';
import { requireSupportedCharset, selectedMailboxRecord } from './search.ts';

function runThread(context: CommandContext): void {
  const { request, store } = context;
  const selected = context.selected();
  const { algorithm, charset, key } = parseThreadArguments(request.args);
  requireSupportedCharset(charset);
  const mailbox = selectedMailboxRecord(context);
  const cache = messageCacheFor(store);
  const messages = findMatches(store, mailbox, selected, key).map((match) =>
    threadMessage(request.uid ? match.uid : match.seq, match.uid, match.record.internalDate, cache.load(store, mailbox.id, mailbox.uidValidity, match.uid)));
  const threads = algorithm === 'REFERENCES' ? threadByReferences(messages) : threadByOrderedSubject(messages);
  // `thread-data = "THREAD" [SP 1*thread-list]`: nothing after THREAD when nothing matched.
  context.sendRaw(threads.length === 0 ? untagged({ atom: 'THREAD' }) : untagged({ atom: 'THREAD' }, { atom: formatThreads(threads) }));
}

export const threadCommand: ImapCommandSpec = {
  name: 'THREAD',
  states: ['selected'],
  uid: true,
  holdsExpunge: true,
  run: runThread,
};
