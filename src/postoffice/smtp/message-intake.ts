// The checks and header work both SMTP servers do on DATA before delivering: size (RFC 1870, 552 5.3.4),
// mail loops (RFC 5321 §6.3, ≥ 100 Received fields: 554 5.4.6), removal of forged X-Mailswarm-* trust
// fields, and the new header lines that go on top (Received per RFC 5321 §4.4 plus our trust markers).
// Apart from the removed trust fields, the client's bytes are stored exactly as received.
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { readDataStream } from './read-data-stream.ts';
import { buildReceivedHeader } from './received-header.ts';
import { PROTECTED_HEADERS, removeHeaderFields, summarizeHeader, type HeaderSummary } from './message-headers.ts';
import { SmtpReplyError } from './smtp-reply-error.ts';

/** RFC 5321 §6.3 suggests at least 100 hops before a message is declared looping. */
export const MAX_RECEIVED_HEADERS = 100;

export interface IncomingMessage {
  /** The client's message with forged trust fields removed (no header of ours added yet). */
  body: Buffer;
  header: HeaderSummary;
  /** Identifies the message in the Received field, the 250 reply and the logs. */
  id: string;
  receivedAt: Date;
}

export async function receiveMessage(stream: SMTPServerDataStream, session: SMTPServerSession, maxBytes: number): Promise<IncomingMessage> {
  const data = await readDataStream(stream, maxBytes);
  if (data.sizeExceeded) {
    throw new SmtpReplyError(552, '5.3.4', `message exceeds the fixed maximum message size of ${maxBytes} bytes`);
  }
  const header = summarizeHeader(data.raw);
  if (header.receivedCount >= MAX_RECEIVED_HEADERS) {
    throw new SmtpReplyError(554, '5.4.6', `routing loop detected: ${header.receivedCount} Received header fields`);
  }
  return {
    body: removeHeaderFields(data.raw, PROTECTED_HEADERS),
    header,
    id: `${session.id}.${session.transaction}`,
    receivedAt: new Date(),
  };
}

/** RFC 3848 protocol name: ESMTP/SMTP, S when TLS is on, A when the client authenticated. */
function protocolOf(session: SMTPServerSession): string {
  const opening = (session.openingCommand as string | false) === 'EHLO' ? 'ESMTP' : 'SMTP';
  return `${opening}${session.secure ? 'S' : ''}${session.user ? 'A' : ''}`;
}

/** The Received field of this hop for this message (CRLF-terminated). */
export function receivedFieldFor(session: SMTPServerSession, message: IncomingMessage, domain: string): string {
  const helo = (session.hostNameAppearsAs as string | false) || 'unknown';
  return buildReceivedHeader({
    helo,
    clientHostname: (session.clientHostname as string | false) || `[${session.remoteAddress}]`,
    remoteAddress: session.remoteAddress,
    domain,
    protocol: protocolOf(session),
    id: message.id,
    recipients: session.envelope.rcptTo.map((recipient) => recipient.address),
    date: message.receivedAt,
  });
}

/** `lines` (each already `Name: value`, without CRLF) + the message. */
export function prependHeaderLines(top: string, lines: string[], body: Buffer): Buffer {
  const added = top + lines.map((line) => `${line}\r\n`).join('');
  return Buffer.concat([Buffer.from(added, 'utf8'), body]);
}
