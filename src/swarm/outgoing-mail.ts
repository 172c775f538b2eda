// Builds an agent's outgoing mail once (nodemailer MailComposer) and delivers it exactly once: the bytes are
// first APPENDed to Sent with an outbox keyword, then submitted over SMTP submission (RFC 6409, AUTH with the
// agent's own credentials), then the outbox keyword is cleared. A retry finds the Message-ID in Sent and
// either skips (already submitted) or resubmits the stored bytes (crash before confirmation).
// Headers: Message-ID / In-Reply-To / References (RFC 5322 section 3.6.4), Auto-Submitted (RFC 3834
// section 5), and mailswarm provenance (X-Mailswarm-Agent, X-Mailswarm-Model, X-Mailswarm-Usage).
import type { ImapFlow } from 'imapflow';
import nodemailer, { type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Logger } from '../logger.ts';
import type { TokenUsage } from '../providers/model.ts';
import { isLoopback } from './mailbox-connection.ts';
import { appendMessage, fetchSource, findByMessageId, outboxKeyword, setFlags } from './mailbox-operations.ts';
import type { MailAddress } from './parsed-mail.ts';

export interface SubmissionServerOptions {
  host: string;
  port: number;
  /** Implicit TLS (port 465 style); otherwise STARTTLS when offered. */
  secure?: boolean | undefined;
  tlsRejectUnauthorized?: boolean | undefined;
}

export interface OutgoingMail {
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  text: string;
  messageId: string;
  inReplyTo: string | undefined;
  references: string[];
  agentName: string;
  modelId: string;
  usage: TokenUsage;
  /** A forwarded original, attached whole as message/rfc822 (RFC 2046 section 5.2.1). */
  forwardedOriginal?: Buffer | undefined;
}

export type DeliveryOutcome = 'sent' | 'already-sent' | 'resubmitted';

export async function buildRawMessage(mail: OutgoingMail): Promise<Buffer> {
  const composer = new MailComposer({
    // Address objects, not "Name <addr>" strings: a display name such as "Builder (Claude)" must be quoted,
    // or its parenthesised part is read as an RFC 5322 comment and lost.
    from: addressObject(mail.from),
    to: mail.to.map(addressObject),
    cc: mail.cc.map(addressObject),
    subject: mail.subject,
    text: mail.text,
    messageId: mail.messageId,
    newline: 'windows', // CRLF as SMTP carries it: the Sent copy is byte for byte what recipients get
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.references.length > 0 ? { references: mail.references } : {}),
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Mailswarm-Agent': mail.agentName,
      'X-Mailswarm-Model': mail.modelId,
      'X-Mailswarm-Usage': `in=${mail.usage.inputTokens}; out=${mail.usage.outputTokens}`,
    },
    ...(mail.forwardedOriginal
      ? { attachments: [{ filename: 'forwarded-message.eml', contentType: 'message/rfc822', content: mail.forwardedOriginal }] }
      : {}),
  });
  return composer.compile().build();
}

function addressObject(address: MailAddress): { name: string; address: string } {
  return { name: address.name.replace(/[<>]/g, '').trim(), address: address.address };
}

/** SMTP submission with one agent's credentials. */
export class MailSubmitter {
  #transport: Transporter;

  constructor(options: { server: SubmissionServerOptions; credentials: { user: string; password: string } }) {
    this.#transport = nodemailer.createTransport({
      host: options.server.host,
      port: options.server.port,
      secure: options.server.secure ?? false,
      auth: { user: options.credentials.user, pass: options.credentials.password },
      tls: { rejectUnauthorized: options.server.tlsRejectUnauthorized ?? !isLoopback(options.server.host) },
      connectionTimeout: 20_000,
      greetingTimeout: 10_000,
    });
  }

  async submit(raw: Buffer, envelope: { from: string; to: string[] }): Promise<void> {
    const info = await this.#transport.sendMail({ envelope, raw });
    const rejected = (info.rejected ?? []).map(String);
    if (rejected.length === envelope.to.length) throw new Error(`SMTP submission rejected every recipient: ${rejected.join(', ')}`);
  }

  close(): void {
    this.#transport.close();
  }
}

export function envelopeOf(mail: Pick<OutgoingMail, 'from' | 'to' | 'cc'>): { from: string; to: string[] } {
  const recipients = [...new Set([...mail.to, ...mail.cc].map((address) => address.address.toLowerCase()))];
  return { from: mail.from.address, to: recipients };
}

/** What delivery needs of a mail whose bytes were built elsewhere (patch mail: patch-mail.ts). */
export type PrebuiltMail = Pick<OutgoingMail, 'from' | 'to' | 'cc' | 'messageId'> & { raw: Buffer };

/** Sends `mail` unless Sent already holds its Message-ID; the outbox keyword makes a crash mid-send recoverable. */
export async function deliverExactlyOnce(options: {
  client: ImapFlow;
  sentFolder: string;
  submitter: MailSubmitter;
  mail: OutgoingMail | PrebuiltMail;
  logger: Logger;
}): Promise<DeliveryOutcome> {
  const { client, sentFolder, submitter, mail, logger } = options;
  const envelope = envelopeOf(mail);
  if (envelope.to.length === 0) throw new Error('the mail has no recipients');
  const existing = await findByMessageId(client, sentFolder, mail.messageId);
  if (existing && !existing.flags.has(outboxKeyword)) {
    logger.info({ messageId: mail.messageId }, 'mail already in Sent: not sending it again');
    return 'already-sent';
  }
  if (existing) {
    // Stored but never confirmed: the previous run died between APPEND and the end of submission.
    const raw = await fetchSource(client, sentFolder, existing.uid);
    await submitter.submit(raw, envelope);
    await setFlags(client, sentFolder, existing.uid, [], [outboxKeyword]);
    logger.info({ messageId: mail.messageId }, 'resubmitted an unconfirmed mail from Sent');
    return 'resubmitted';
  }
  const raw = 'raw' in mail ? mail.raw : await buildRawMessage(mail);
  await appendMessage(client, sentFolder, raw, ['\\Seen', outboxKeyword]);
  await submitter.submit(raw, envelope);
  const stored = await findByMessageId(client, sentFolder, mail.messageId);
  if (!stored) throw new Error(`the Sent copy of ${mail.messageId} vanished after APPEND`);
  await setFlags(client, sentFolder, stored.uid, [], [outboxKeyword]);
  logger.info({ messageId: mail.messageId, to: envelope.to }, 'mail sent');
  return 'sent';
}

/** `Re: <subject>` without stacking prefixes (RFC 5322 section 3.6.5). */
export function replySubject(subject: string): string {
  return `Re: ${subject.replace(/^(\s*(re|aw|sv)\s*(\[\d+\])?\s*:\s*)+/i, '').trim() || '(no subject)'}`;
}

export function forwardSubject(subject: string): string {
  return `Fwd: ${stripSubjectPrefixes(subject)}`;
}

export function stripSubjectPrefixes(subject: string): string {
  return subject.replace(/^(\s*(re|fwd?|aw|wg|sv)\s*(\[\d+\])?\s*:\s*)+/i, '').trim() || '(no subject)';
}
