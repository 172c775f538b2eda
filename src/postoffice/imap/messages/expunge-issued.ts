// How FETCH answers when some addressed messages were expunged by another session and this client has not been
// told yet (RFC 2180 §4.1, RFC 5530 §3 EXPUNGEISSUED). RFC 2180 §4.1 would allow a NO, but clients treat a
// NO to FETCH as a hard failure (imapflow throws from fetch(), Thunderbird shows an alert) in what is normal
// concurrent use. So, as Dovecot answers: the messages still there are returned, the gone ones are left out,
// and the tagged reply is `OK [EXPUNGEISSUED]` for both FETCH and UID FETCH; the code tells the client to NOOP
// soon. STORE does nothing for gone messages and answers a plain OK (store.ts), as Dovecot does.
import type { CommandResult } from '../session/command-context.ts';

/** The tagged OK of a FETCH that skipped messages expunged by another session. */
export function expungeIssued(): CommandResult {
  return { code: 'EXPUNGEISSUED', text: 'Some messages were already expunged' };
}
