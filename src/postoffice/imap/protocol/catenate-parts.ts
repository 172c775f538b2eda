// CATENATE message parts (RFC 4469 §5: `cat-part = text-literal / url`, RFC 6855 §4: `UTF8 (literal8)` too) and
// the one URL form RFC 4469 §3 asks a server to understand: a relative IMAP URL (RFC 5092) naming a message or
// part of the user's own mailboxes, `/mailbox[;UIDVALIDITY=n]/;UID=n[/;SECTION=s][/;PARTIAL=offset[.length]]`,
// with the mailbox in %-escaped UTF-8. Absolute `imap://` URLs and URLAUTH are out of scope (§3 Note): a URL
// that does not parse is returned as `null`, and the command answers NO [BADURL].
import type { BodySection, Token } from './protocol-types.ts';
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';
import { parseSection } from './fetch-items.ts';
import { tokenToAstring } from './token-values.ts';

export type CatenatePart =
  | { kind: 'text'; bytes: Buffer; utf8: boolean }
  | { kind: 'url'; url: string };

export interface MessagePartUrl {
  mailbox: string;
  uidValidity?: number;
  uid: number;
  section?: BodySection;
  partial?: { offset: number; length: number };
}

export function parseCatenateParts(tokens: readonly Token[]): CatenatePart[] {
  const parts: CatenatePart[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const kind = tokens[index];
    const value = tokens[index + 1];
    const name = kind?.type === 'atom' ? kind.value.toUpperCase() : '';
    index++;
    if (name === 'TEXT' && value?.type === 'string' && value.literal) {
      parts.push({ kind: 'text', bytes: value.value, utf8: false });
    } else if (name === 'UTF8' && value?.type === 'list' && value.items.length === 1 && value.items[0]?.type === 'string' && value.items[0].literal) {
      parts.push({ kind: 'text', bytes: value.items[0].value, utf8: true });
    } else if (name === 'URL' && value !== undefined && value.type !== 'list') {
      parts.push({ kind: 'url', url: tokenToAstring(value, 'CATENATE URL') });
    } else {
      throw new ProtocolSyntaxError('CATENATE expects parts such as TEXT {n}, URL "/mailbox;UIDVALIDITY=n/;UID=n" or UTF8 (~{n})');
    }
  }
  if (parts.length === 0) throw new ProtocolSyntaxError('CATENATE expects at least one part');
  return parts;
}

const URL_PATTERN = /^\/(.+?)(?:;UIDVALIDITY=([1-9][0-9]{0,9}))?\/;UID=([1-9][0-9]{0,9})(?:\/;SECTION=([^/]*))?(?:\/;PARTIAL=([0-9]{1,10})(?:\.([1-9][0-9]{0,9}))?)?$/i;

/** The message or part a relative IMAP URL names, or null when it is not one we can serve. */
export function parseMessagePartUrl(url: string): MessagePartUrl | null {
  const match = URL_PATTERN.exec(url);
  if (!match) return null;
  const [, encodedMailbox, uidValidity, uid, encodedSection, offset, length] = match;
  let mailbox: string;
  let section: BodySection | undefined;
  try {
    mailbox = decodeURIComponent(encodedMailbox!);
    if (encodedSection !== undefined) section = parseSection(decodeURIComponent(encodedSection).toUpperCase());
  } catch (error) {
    // Bad %-escapes or a section that is no section: the URL names nothing (BADURL).
    if (error instanceof URIError || error instanceof ProtocolSyntaxError) return null;
    throw error;
  }
  const result: MessagePartUrl = { mailbox: mailbox.toUpperCase() === 'INBOX' ? 'INBOX' : mailbox, uid: Number(uid) };
  if (uidValidity !== undefined) result.uidValidity = Number(uidValidity);
  if (section !== undefined) result.section = section;
  if (offset !== undefined) result.partial = { offset: Number(offset), length: length === undefined ? Number.MAX_SAFE_INTEGER : Number(length) };
  return result;
}
