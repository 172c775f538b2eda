// Builds the trace field every SMTP server prepends (RFC 5321 §4.4, grammar in §4.4 "Time-stamp-line"):
//   Received: from <helo> (<rdns [ip]> or <[ip]>)
//           by <domain> (mailswarm) with ESMTP[S][A] id <id>
//           for <recipient>; <RFC 5322 date>
// The FOR clause names the recipient only when there is exactly one, as Postfix does: with several, one
// copy is shared by all and naming them would disclose Bcc recipients to each other.

export interface ReceivedHeaderFields {
  /** What the client said in HELO/EHLO. */
  helo: string;
  /** smtp-server's clientHostname: the reverse DNS name, or the address as an `[ip]` literal. */
  clientHostname: string;
  remoteAddress: string;
  domain: string;
  /** RFC 3848 protocol type: SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA. */
  protocol: string;
  id: string;
  recipients: string[];
  date: Date;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time in UTC with a numeric zone (`+0000`, not the obsolete `GMT`). */
export function formatRfc5322Date(date: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return (
    `${WEEKDAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/** Client-supplied text inside a header: printable ASCII only, no parentheses that would end the comment. */
function sanitize(value: string): string {
  const cleaned = value.replace(/[^\x21-\x7e]/g, '?').replace(/[()\\]/g, '?');
  return cleaned.length > 0 ? cleaned.slice(0, 255) : 'unknown';
}

/** The complete field including its trailing CRLF, folded so no line exceeds the 78-character advice. */
export function buildReceivedHeader(fields: ReceivedHeaderFields): string {
  const literal = `[${fields.remoteAddress}]`;
  const client = fields.clientHostname && fields.clientHostname !== literal ? `${sanitize(fields.clientHostname)} ${literal}` : literal;
  const lines = [
    `Received: from ${sanitize(fields.helo)} (${client})`,
    `\tby ${fields.domain} (mailswarm) with ${fields.protocol} id ${fields.id}`,
  ];
  const date = formatRfc5322Date(fields.date);
  if (fields.recipients.length === 1) lines.push(`\tfor <${sanitize(fields.recipients[0]!)}>; ${date}`);
  else lines[lines.length - 1] += `;\r\n\t${date}`;
  return `${lines.join('\r\n')}\r\n`;
}
