// Composes the mail the post office writes as postmaster@<domain>: notes to the moderators (with the held
// message attached whole as message/rfc822, RFC 2046 §5.2.1), notices to agents, acknowledgements of
// governance commands and budget alerts. All carry Auto-Submitted (RFC 3834 §5) so that no responder, and no
// agent runtime that honours RFC 3834, answers them automatically.
import MailComposer from 'nodemailer/lib/mail-composer';
import { COMMAND_HEADER, HOP_HEADER } from './message-facts.ts';

export interface PostmasterMail {
  to: string[];
  subject: string;
  text: string;
  /** Without angle brackets. */
  messageId: string;
  inReplyTo?: string | undefined;
  references?: string[] | undefined;
  /** RFC 3834: auto-replied for answers to a person's mail, auto-generated otherwise. */
  autoSubmitted: 'auto-generated' | 'auto-replied';
  /** Carried so that an agent replying to this mail continues the thread's hop count instead of resetting it. */
  hop?: number | undefined;
  /** `X-Mailswarm-Command` for the agent runtime (STOP when the post office paused the agent itself). */
  command?: 'STOP' | undefined;
  attachedMessage?: { raw: Buffer; filename: string } | undefined;
  date: Date;
}

export function postmasterAddress(domain: string): string {
  return `postmaster@${domain}`;
}

export async function composePostmasterMail(domain: string, mail: PostmasterMail): Promise<Buffer> {
  const headers: Record<string, string> = { 'Auto-Submitted': mail.autoSubmitted };
  if (mail.hop !== undefined) headers[HOP_HEADER] = String(mail.hop);
  if (mail.command !== undefined) headers[COMMAND_HEADER] = mail.command;
  const composer = new MailComposer({
    from: { name: 'mailswarm postmaster', address: postmasterAddress(domain) },
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    date: mail.date,
    messageId: `<${mail.messageId}>`,
    ...(mail.inReplyTo !== undefined ? { inReplyTo: `<${mail.inReplyTo}>` } : {}),
    ...(mail.references !== undefined && mail.references.length > 0 ? { references: mail.references.map((id) => `<${id}>`) } : {}),
    headers,
    ...(mail.attachedMessage !== undefined
      ? { attachments: [{ filename: mail.attachedMessage.filename, contentType: 'message/rfc822', content: mail.attachedMessage.raw }] }
      : {}),
  });
  return composer.compile().build();
}
