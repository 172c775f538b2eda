// The independent variable of the e-mail conditions, applied at submission: a loopback SMTP relay between
// every sender of a run (agents and the human's task mail) and the post office's submission port. It passes
// each message on with the sender's own credentials (the post office still authenticates, checks the sender
// and applies its guard rails) after rewriting its recipients by the condition's policy:
//   - 'team-cc' (email-cc): team@<domain> is added to Cc: (header and envelope), so the post office's built-in
//     list gives every agent and human a copy (List-Id: a list copy counts as Cc for the wake policy);
//   - 'as-addressed' (email-direct): the message goes to exactly the accounts its sender named in To/Cc;
//     list addresses are dropped from the envelope, so nothing is broadcast.
// Every message is logged in order (the run's one time line) with the post office's answer: delivered, held
// by a guard (250 "held for moderation: <rule>"), or refused.
import { simpleParser, type AddressObject } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export type RecipientPolicy = 'team-cc' | 'as-addressed';

export interface RelayedMessage {
  /** 1, 2, 3 ... in the order the relay received them. */
  sequence: number;
  /** The authenticated account. */
  account: string;
  messageId: string;
  subject: string;
  from: string;
  to: string[];
  cc: string[];
  inReplyTo: string | undefined;
  references: string[];
  /** X-Mailswarm-Agent: the agent that wrote it (undefined for the human's mail). */
  agent: string | undefined;
  /** Envelope recipients after the rewrite. */
  recipients: string[];
  droppedRecipients: string[];
  outcome: 'delivered' | 'held' | 'refused';
  /** The post office's reply text. */
  reply: string;
  heldRule: string | undefined;
  /** The bytes passed on (after the rewrite). */
  raw: Buffer;
}

export interface SubmissionRelay {
  port: number;
  messages(): RelayedMessage[];
  close(): Promise<void>;
}

export async function startSubmissionRelay(options: {
  host: string;
  upstreamPort: number;
  domain: string;
  policy: RecipientPolicy;
  /** Every list address of the post office (team@ and the configured lists), lower case. */
  listAddresses: string[];
}): Promise<SubmissionRelay> {
  const team = `team@${options.domain}`.toLowerCase();
  const lists = new Set(options.listAddresses.map((address) => address.toLowerCase()));
  const log: RelayedMessage[] = [];
  const credentials = new Map<string, { user: string; pass: string }>();

  const relay = async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const login = credentials.get(session.id);
    if (!login) throw replyError(530, '5.7.0 authentication required');
    const original = Buffer.concat(chunks);
    const envelopeTo = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase());
    let raw: Buffer = original;
    let recipients = envelopeTo;
    let dropped: string[] = [];
    if (options.policy === 'team-cc') {
      if (!recipients.includes(team)) recipients = [...recipients, team];
      raw = addCc(original, team);
    } else {
      dropped = recipients.filter((recipient) => lists.has(recipient));
      recipients = recipients.filter((recipient) => !lists.has(recipient));
    }
    const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
    const entry: RelayedMessage = {
      sequence: log.length + 1,
      account: login.user.toLowerCase(),
      messageId: parsed.messageId ?? '',
      subject: parsed.subject ?? '',
      from: addressesOf(parsed.from)[0] ?? login.user.toLowerCase(),
      to: addressesOf(parsed.to),
      cc: addressesOf(parsed.cc),
      inReplyTo: parsed.inReplyTo,
      references: Array.isArray(parsed.references) ? parsed.references : parsed.references ? [parsed.references] : [],
      agent: headerText(parsed.headers.get('x-mailswarm-agent')),
      recipients,
      droppedRecipients: dropped,
      outcome: 'refused',
      reply: '',
      heldRule: undefined,
      raw,
    };
    // Logged before it is passed on: the sequence is the order of submission, whatever the answers' timing.
    log.push(entry);
    if (recipients.length === 0) {
      entry.reply = `no recipient left after dropping list addresses (${dropped.join(', ')}): email-direct delivers point to point only`;
      throw replyError(550, `5.7.1 ${entry.reply}`);
    }
    const transport = nodemailer.createTransport({ host: options.host, port: options.upstreamPort, secure: false, auth: login, tls: { rejectUnauthorized: false } });
    try {
      const info = await transport.sendMail({ envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : login.user, to: recipients }, raw });
      entry.reply = String(info.response ?? '').replace(/^250[ -]/, '');
      const held = /held for moderation: ([a-z-]+)/.exec(entry.reply);
      entry.outcome = held ? 'held' : 'delivered';
      entry.heldRule = held?.[1];
      return entry.reply || 'OK';
    } catch (error) {
      const failure = error as Error & { responseCode?: number; response?: string };
      entry.reply = failure.response ?? failure.message;
      throw replyError(failure.responseCode ?? 451, failure.response?.replace(/^\d{3}[ -]/, '') ?? `4.3.0 ${failure.message}`);
    } finally {
      transport.close();
    }
  };

  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    banner: 'mailswarm experiment relay',
    onAuth(auth, session, callback) {
      credentials.set(session.id, { user: auth.username ?? '', pass: auth.password ?? '' });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      relay(stream, session).then(
        (reply) => callback(null, reply),
        (error: unknown) => callback(error as Error),
      );
    },
    onClose(session) {
      credentials.delete(session.id);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('the submission relay has no TCP port');
  return {
    port: address.port,
    messages: () => [...log],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Adds `address` to the Cc: field (RFC 5322 3.6.3), creating the field when the message has none. */
export function addCc(raw: Buffer, address: string): Buffer {
  const text = raw.toString('latin1');
  const separator = /\r?\n\r?\n/.exec(text);
  const headerEnd = separator ? separator.index : text.length;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const header = text.slice(0, headerEnd);
  const lines = header.split(/\r?\n/);
  const ccIndex = lines.findIndex((line) => /^cc:/i.test(line));
  if (ccIndex >= 0) {
    let last = ccIndex;
    while (last + 1 < lines.length && /^[ \t]/.test(lines[last + 1]!)) last++;
    if (new RegExp(`(^|[\\s,<])${escapeRegExp(address)}([\\s,>]|$)`, 'i').test(lines.slice(ccIndex, last + 1).join(' '))) return raw;
    lines[last] = `${lines[last]},${newline} ${address}`;
  } else {
    lines.push(`Cc: ${address}`);
  }
  return Buffer.from(lines.join(newline) + text.slice(headerEnd), 'latin1');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value.flatMap((entry) => (entry.address ? [entry.address.toLowerCase()] : (entry.group ?? []).flatMap((member) => (member.address ? [member.address.toLowerCase()] : [])))));
}

function headerText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function replyError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}
