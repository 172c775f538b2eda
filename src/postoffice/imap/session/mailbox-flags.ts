// The flags a mailbox offers (RFC 3501 §7.2.6 FLAGS, §7.1 PERMANENTFLAGS): the five system flags and the
// keywords in use. SELECT/EXAMINE send both responses, and so does every later change that brings a keyword
// the client has not been told of (selected-mailbox.ts), before any FETCH names it. `\*` in PERMANENTFLAGS
// lets clients create keywords ($Forwarded, $label1, junk markers); a read-only mailbox permits nothing.
import { untagged, untaggedStatus } from '../protocol/response-writer.ts';

export const SYSTEM_FLAGS: readonly string[] = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

/** `* FLAGS (...)` then `* OK [PERMANENTFLAGS (...)]`, naming `keywords` after the system flags (as Dovecot). */
export function mailboxFlagsResponses(keywords: readonly string[], readOnly: boolean): Buffer {
  const flags = [...SYSTEM_FLAGS, ...keywords];
  const permanent = readOnly ? '' : `${flags.join(' ')} \\*`;
  return Buffer.concat([
    untagged({ atom: 'FLAGS' }, flags.map((flag) => ({ atom: flag }))),
    untaggedStatus('OK', readOnly ? 'No permanent flags permitted' : 'Flags permitted', `PERMANENTFLAGS (${permanent})`),
  ]);
}
