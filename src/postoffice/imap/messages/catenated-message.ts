// Builds the message of an APPEND ... CATENATE (RFC 4469 §3): the parts in order, literal text as sent and each
// URL replaced by the octets FETCH BODY.PEEK[section]<partial> would return (never setting \Seen). A URL that
// names no message or part of the user's own mailboxes fails the whole APPEND with NO [BADURL url] (§4.1); a
// result above MAX_CATENATED_BYTES with NO [TOOBIG] (§4.2), before any more URL is read.
import { applyPartial, extractSection } from '../../mime/index.ts';
import { parseMessagePartUrl, type CatenatePart } from '../protocol/catenate-parts.ts';
import type { CommandContext } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { messageCacheFor } from './message-cache.ts';

/** The server's literal limit by default (imap-server.ts): a catenated message may not be bigger than an appended one. */
export const MAX_CATENATED_BYTES = 64 * 1024 * 1024;

export interface CatenatedMessage {
  bytes: Buffer;
  /** A part was sent as `UTF8 (literal8)` (RFC 6855 §4). */
  utf8: boolean;
}

export function catenateMessage(context: CommandContext, account: string, parts: readonly CatenatePart[]): CatenatedMessage {
  const pieces: Buffer[] = [];
  let total = 0;
  let utf8 = false;
  for (const part of parts) {
    const bytes = part.kind === 'text' ? part.bytes : urlBytes(context, account, part.url);
    if (part.kind === 'text' && part.utf8) utf8 = true;
    total += bytes.length;
    if (total > MAX_CATENATED_BYTES) throw new ImapError('NO', `The catenated message would exceed ${MAX_CATENATED_BYTES} bytes`, 'TOOBIG');
    pieces.push(bytes);
  }
  return { bytes: Buffer.concat(pieces, total), utf8 };
}

function urlBytes(context: CommandContext, account: string, url: string): Buffer {
  const badUrl = (why: string): ImapError => new ImapError('NO', `Cannot catenate ${url}: ${why}`, `BADURL ${url.replace(/[\]\r\n]/g, '')}`);
  const target = parseMessagePartUrl(url);
  if (target === null) throw badUrl('expected a URL like /INBOX;UIDVALIDITY=n/;UID=n/;SECTION=1 (RFC 5092, relative)');
  const mailbox = context.store.getMailbox(account, target.mailbox);
  if (mailbox === undefined) throw badUrl(`no mailbox ${target.mailbox}`);
  if (target.uidValidity !== undefined && target.uidValidity !== mailbox.uidValidity) throw badUrl(`UIDVALIDITY is ${mailbox.uidValidity} now`);
  const parsed = messageCacheFor(context.store).load(context.store, mailbox.id, mailbox.uidValidity, target.uid);
  if (parsed === undefined) throw badUrl(`no message with UID ${target.uid}`);
  const section = target.section === undefined ? parsed.raw : extractSection(parsed.raw, parsed.analysis.tree, target.section);
  if (section === null) throw badUrl('no such part');
  return Buffer.from(applyPartial(section, target.partial));
}
