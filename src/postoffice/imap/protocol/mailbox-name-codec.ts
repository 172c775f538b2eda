// How a session spells mailbox names on the wire: modified UTF-7 (RFC 3501 §5.1.3), or, once the client has
// sent ENABLE UTF8=ACCEPT (RFC 6855 §3) or ENABLE IMAP4rev2 (RFC 9051 §5.1), plain UTF-8: names go out as
// UTF-8 quoted strings and come in as written, `&` included. Names in UTF-8 must be valid UTF-8 (BAD
// otherwise, §3) and hold no control characters (RFC 6855 §3 Net-Unicode: NO, like any impossible name).
import { isUtf8 } from 'node:buffer';
import type { ImapValue, Token } from './protocol-types.ts';
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';
import { MailboxNameError, type MailboxNameRole } from './mailbox-name-error.ts';
import { encodeMailboxName } from './modified-utf7.ts';
import { quoteString } from './response-writer.ts';
import { tokenToAstring, tokenToMailbox } from './token-values.ts';

export interface MailboxNameCodec {
  readonly utf8: boolean;
  /** A mailbox argument as the stored (UTF-8) name; `INBOX` in any case is `INBOX`. */
  decode(token: Token | undefined, what?: string, role?: MailboxNameRole): string;
  /** A LIST/LSUB reference or pattern, or null when it can name no mailbox (LIST then answers OK with nothing). */
  decodePattern(token: Token | undefined, what?: string): string | null;
  /** A stored name as the value to write in a response. */
  encode(name: string): ImapValue;
}

export const MODIFIED_UTF7_NAMES: MailboxNameCodec = {
  utf8: false,
  decode: (token, what = 'mailbox name', role = 'existing') => tokenToMailbox(token, what, role),
  decodePattern: (token, what = 'mailbox pattern') => orNull(() => tokenToMailbox(token, what)),
  encode: (name) => encodeMailboxName(name),
};

export const UTF8_NAMES: MailboxNameCodec = {
  utf8: true,
  decode: (token, what = 'mailbox name', role = 'existing') => decodeUtf8Name(token, what, role),
  decodePattern: (token, what = 'mailbox pattern') => orNull(() => decodeUtf8Name(token, what, 'existing')),
  // Quoted even when it holds UTF-8 (RFC 6855 §3 `uQUOTED-CHAR`); stored names never hold CR, LF or NUL.
  encode: (name) => ({ atom: quoteString(name) }),
};

function decodeUtf8Name(token: Token | undefined, what: string, role: MailboxNameRole): string {
  if (token?.type === 'string' && !isUtf8(token.value)) throw new ProtocolSyntaxError(`${what} is not valid UTF-8 (RFC 6855 §3)`);
  const name = tokenToAstring(token, what);
  // An atom was decoded already: invalid UTF-8 shows as U+FFFD there.
  if (token?.type === 'atom' && name.includes('\uFFFD')) throw new ProtocolSyntaxError(`${what} is not valid UTF-8 (RFC 6855 §3)`);
  if (name.toUpperCase() === 'INBOX') return 'INBOX';
  if (/[\x00-\x1f\x7f-\x9f\u2028\u2029]/.test(name)) throw new MailboxNameError(`Invalid ${what}: it contains control characters`, role);
  return name;
}

function orNull(decode: () => string): string | null {
  try {
    return decode();
  } catch (error) {
    if (error instanceof MailboxNameError) return null;
    throw error;
  }
}
