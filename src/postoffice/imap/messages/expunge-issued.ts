// How FETCH and STORE answer when some addressed messages were expunged by another session and this client has
// not been told yet (RFC 5530 §3 EXPUNGEISSUED, RFC 2180 §4.1).
// - By sequence number: tagged `NO [EXPUNGEISSUED]` after the existing messages were answered. The client
//   addressed a number whose message is gone; NO makes it resynchronise (NOOP) before trusting numbers again.
// - By UID: tagged `OK [EXPUNGEISSUED]`. RFC 3501 §6.4.8 says UIDs that do not exist are ignored without error,
//   and Dovecot never answers NO to FETCH because clients treat it as a hard failure: imapflow throws from
//   fetch(), Thunderbird shows an alert. The response code still tells the client to NOOP soon.
import { ImapError } from '../session/imap-error.ts';
import type { CommandResult } from '../session/command-context.ts';

const TEXT = 'Some of the requested messages were expunged by another session';

/** Throws the sequence-number NO, or returns the UID command's tagged OK result. */
export function expungeIssued(byUid: boolean): CommandResult {
  if (!byUid) throw new ImapError('NO', TEXT, 'EXPUNGEISSUED');
  return { code: 'EXPUNGEISSUED', text: TEXT };
}
