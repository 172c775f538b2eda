// The server-side view the Thunderbird test checks against: an independent imapflow session reads one
// folder of one account (flags, Message-ID, In-Reply-To, References, text), and seedMail delivers mail over
// the inbound SMTP port (RFC 5321, no AUTH) with an explicit envelope, the way mail from outside arrives.
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';

export interface ServerEndpoint {
  host: string;
  imapPort: number;
  smtpPort: number;
}

export interface ProbedMail {
  uid: number;
  flags: string[];
  messageId: string;
  inReplyTo: string | undefined;
  references: string[];
  subject: string;
  from: string;
  to: string[];
  text: string;
}

export async function readMailbox(endpoint: ServerEndpoint, login: { user: string; password: string }, folder: string): Promise<ProbedMail[]> {
  const client = new ImapFlow({
    host: endpoint.host,
    port: endpoint.imapPort,
    secure: false,
    doSTARTTLS: false,
    auth: { user: login.user, pass: login.password },
    logger: false,
    disableAutoIdle: true,
  });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder, { readOnly: true });
    try {
      const mails: ProbedMail[] = [];
      if ((client.mailbox && client.mailbox.exists) === 0) return mails;
      for await (const message of client.fetch('1:*', { uid: true, flags: true, source: true })) {
        const parsed = await simpleParser(message.source!);
        const references = parsed.references === undefined ? [] : Array.isArray(parsed.references) ? parsed.references : [parsed.references];
        mails.push({
          uid: message.uid,
          flags: [...(message.flags ?? [])],
          messageId: parsed.messageId ?? '',
          inReplyTo: parsed.inReplyTo,
          references,
          subject: parsed.subject ?? '',
          from: parsed.from?.value[0]?.address ?? '',
          to: (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : []).flatMap((group) => group.value.map((address) => address.address ?? '')),
          text: parsed.text ?? '',
        });
      }
      return mails;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

export interface SeedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  date: Date;
  inReplyTo?: string;
  references?: string[];
}

export async function seedMail(endpoint: ServerEndpoint, mails: SeedMail[]): Promise<void> {
  const transport = nodemailer.createTransport({ host: endpoint.host, port: endpoint.smtpPort, secure: false, ignoreTLS: true });
  try {
    for (const mail of mails) {
      await transport.sendMail({
        envelope: { from: mail.envelopeFrom, to: mail.envelopeTo },
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        date: mail.date,
        ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
        ...(mail.references ? { references: mail.references } : {}),
      });
    }
  } finally {
    transport.close();
  }
}
