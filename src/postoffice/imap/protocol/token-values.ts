// Reads scalar arguments out of parser tokens (RFC 3501 §9: `astring`, `string`, `nstring`, `number`,
// `mailbox`). Each function names the argument in its error so a BAD response tells the client which one
// was wrong.
import type { Token } from './protocol-types.ts';
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';
import { decodeMailboxName } from './modified-utf7.ts';
import { MailboxNameError, type MailboxNameRole } from './mailbox-name-error.ts';

function describe(token: Token | undefined): string {
  if (!token) return 'nothing';
  if (token.type === 'list') return 'a parenthesized list';
  if (token.type === 'nil') return 'NIL';
  return token.type === 'atom' ? `atom ${token.value}` : 'a string';
}

/** An atom or a quoted/literal string, decoded as UTF-8 (NIL counts as the atom "NIL"). */
export function tokenToString(token: Token | undefined, what: string): string {
  if (token?.type === 'atom') return token.value;
  if (token?.type === 'string') return token.value.toString('utf8');
  if (token?.type === 'nil') return 'NIL';
  throw new ProtocolSyntaxError(`expected ${what} (atom or string), got ${describe(token)}`);
}

/** `astring`: same as tokenToString; the separate name documents the grammar at the call site. */
export function tokenToAstring(token: Token | undefined, what: string): string {
  return tokenToString(token, what);
}

/** `nstring`: NIL becomes null. */
export function tokenToNstring(token: Token | undefined, what: string): string | null {
  if (token?.type === 'nil') return null;
  return tokenToString(token, what);
}

/** Raw bytes of a string or literal (APPEND message data); atoms are not accepted. */
export function tokenToBuffer(token: Token | undefined, what: string): Buffer {
  if (token?.type === 'string') return token.value;
  throw new ProtocolSyntaxError(`expected ${what} (string or literal), got ${describe(token)}`);
}

/** An atom (not a string), as written. */
export function tokenToAtom(token: Token | undefined, what: string): string {
  if (token?.type === 'atom') return token.value;
  if (token?.type === 'nil') return 'NIL';
  throw new ProtocolSyntaxError(`expected ${what} (atom), got ${describe(token)}`);
}

/** `number` (RFC 3501: 0..2^32-1); `max` widens the range for mod-sequences (RFC 7162: 2^63-1). */
export function tokenToNumber(token: Token | undefined, what: string, max = 0xffffffff): number {
  const text = token?.type === 'atom' ? token.value : undefined;
  if (text === undefined || !/^[0-9]{1,20}$/.test(text)) throw new ProtocolSyntaxError(`expected ${what} (number), got ${describe(token)}`);
  const value = Number(text);
  if (value > max || !Number.isSafeInteger(value)) throw new ProtocolSyntaxError(`${what} ${text} is out of range`);
  return value;
}

/** A parenthesized list's items. */
export function tokenToList(token: Token | undefined, what: string): Token[] {
  if (token?.type === 'list') return token.items;
  throw new ProtocolSyntaxError(`expected ${what} (parenthesized list), got ${describe(token)}`);
}

/**
 * A mailbox argument as a UTF-8 name: modified UTF-7 decoded (RFC 3501 §5.1.3), `INBOX` in any case
 * canonicalised. Names holding raw 8-bit UTF-8 (sent by some clients without UTF8=ACCEPT) are taken as is.
 * A name that is no valid mailbox name throws MailboxNameError (a NO: no such mailbox, or cannot create it).
 */
export function tokenToMailbox(token: Token | undefined, what = 'mailbox name', role: MailboxNameRole = 'existing'): string {
  const raw = tokenToAstring(token, what);
  if (raw.toUpperCase() === 'INBOX') return 'INBOX';
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new MailboxNameError(`Invalid ${what}: it contains control characters`, role);
  if (/[^\x00-\x7f]/.test(raw)) return raw;
  try {
    return decodeMailboxName(raw);
  } catch (error) {
    if (!(error instanceof ProtocolSyntaxError)) throw error; // a codec bug, not client input
    throw new MailboxNameError(`Invalid ${what}, not modified UTF-7 (RFC 3501 §5.1.3): ${error.message.replace(/^mailbox name: /, '')}`, role);
  }
}

/** A LIST/LSUB pattern: like a mailbox name, but `*` and `%` stay wildcards. */
export function tokenToMailboxPattern(token: Token | undefined, what = 'mailbox pattern'): string {
  return tokenToMailbox(token, what);
}

/**
 * A LIST/LSUB reference or pattern, or null when it is not valid modified UTF-7: such a pattern names no
 * mailbox, so LIST answers OK with nothing, as Dovecot does. Grammar errors (a list, NIL) still throw.
 */
export function tokenToMailboxPatternOrNull(token: Token | undefined, what = 'mailbox pattern'): string | null {
  try {
    return tokenToMailbox(token, what);
  } catch (error) {
    if (error instanceof MailboxNameError) return null;
    throw error;
  }
}
