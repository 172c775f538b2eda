// Builds the bytes of a patch mail the way `git send-email` does: our own header block (From the sending
// agent, To/Cc, Message-ID, In-Reply-To/References per RFC 5322 section 3.6.4, Auto-Submitted per RFC 3834,
// the mailswarm provenance headers) around the body that `git format-patch` wrote, byte for byte. The body is
// sent as 8bit (RFC 6152) and never re-wrapped or flowed; only a line over SMTP's 998-octet limit (RFC 5321
// section 4.5.3.1.6) makes the whole body quoted-printable (RFC 2045 section 6.7), which `git am` decodes.
import { encodeWords, quoteString } from 'nodemailer/lib/mime-funcs';
import { encode as encodeQuotedPrintable, wrap as wrapQuotedPrintable } from 'nodemailer/lib/qp';
import type { TokenUsage } from '../providers/model.ts';
import type { MailAddress } from './parsed-mail.ts';

export interface PatchMailDraft {
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  /** As `git format-patch` made it ("[PATCH v2 1/3] Fix parse"); encoded words are kept as they are. */
  subject: string;
  messageId: string;
  inReplyTo: string | undefined;
  references: string[];
  /** MIME-Version / Content-Type / Content-Transfer-Encoding exactly as git wrote them (absent for ASCII). */
  mimeHeaders: Array<[string, string]>;
  /** The body after git's header block, LF line endings. */
  body: string;
  date: Date;
  agentName: string;
  modelId: string;
  usage: TokenUsage;
}

const smtpLineLimitOctets = 998;

export function buildPatchMail(draft: PatchMailDraft): Buffer {
  const body = draft.body.endsWith('\n') ? draft.body : `${draft.body}\n`;
  const needsQuotedPrintable = body.split('\n').some((line) => Buffer.byteLength(line) > smtpLineLimitOctets);
  const mimeHeaders = needsQuotedPrintable
    ? [
        ['MIME-Version', '1.0'],
        ['Content-Type', contentTypeOf(draft.mimeHeaders)],
        ['Content-Transfer-Encoding', 'quoted-printable'],
      ]
    : draft.mimeHeaders;
  const headers: Array<[string, string]> = [
    ['From', formatHeaderAddress(draft.from)],
    ...(draft.to.length > 0 ? [['To', draft.to.map(formatHeaderAddress).join(',\r\n ')] as [string, string]] : []),
    ...(draft.cc.length > 0 ? [['Cc', draft.cc.map(formatHeaderAddress).join(',\r\n ')] as [string, string]] : []),
    ['Subject', /^[\x20-\x7e]*$/.test(draft.subject) ? draft.subject : encodeWords(draft.subject, 'Q', 52)],
    ['Date', draft.date.toUTCString().replace('GMT', '+0000')],
    ['Message-ID', draft.messageId],
    ...(draft.inReplyTo ? [['In-Reply-To', draft.inReplyTo] as [string, string]] : []),
    ...(draft.references.length > 0 ? [['References', draft.references.join('\r\n ')] as [string, string]] : []),
    ...(mimeHeaders as Array<[string, string]>),
    ['Auto-Submitted', 'auto-generated'],
    ['X-Mailswarm-Agent', draft.agentName],
    ['X-Mailswarm-Model', draft.modelId],
    ['X-Mailswarm-Usage', `in=${draft.usage.inputTokens}; out=${draft.usage.outputTokens}`],
  ];
  const headerBlock = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  const encodedBody = needsQuotedPrintable ? wrapQuotedPrintable(encodeQuotedPrintable(body), 76) : body;
  return Buffer.from(`${headerBlock}\r\n${encodedBody.replace(/\r?\n/g, '\r\n')}`, 'utf8');
}

function contentTypeOf(mimeHeaders: Array<[string, string]>): string {
  return mimeHeaders.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? 'text/plain; charset=UTF-8';
}

/** `Name <address>` with the display name quoted or encoded as RFC 5322 section 3.4 / RFC 2047 require. */
export function formatHeaderAddress(address: MailAddress): string {
  const name = address.name.trim();
  if (!name) return address.address;
  if (!/^[\x20-\x7e]*$/.test(name)) return `${encodeWords(name, 'Q', 52)} <${address.address}>`;
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(name)) return `${name} <${address.address}>`;
  return `${quoteString(name)} <${address.address}>`;
}
