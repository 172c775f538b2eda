// What the mail-less conditions (pipeline, single) pass between turns instead of mail: a transcript of
// everything the agents "sent" (their reply/send/forward texts and their patches), each entry shaped like a
// mail (Message-ID derived as the runtime derives it, Subject, In-Reply-To/References, logical Date) so the
// agents see it in the very turn format the mail runtime renders (providers/offline/turn-format.ts) and their
// tools can name entries by Message-ID. Entries are also written out as an mbox for reading.
import { renderTurn, type TurnMailView } from '../providers/offline/turn-format.ts';
import type { Directory } from '../swarm/directory.ts';
import { buildPatchMail } from '../swarm/patch-mail.ts';
import type { TokenUsage } from '../providers/model.ts';

export interface HandoffMail {
  /** 1, 2, 3 ... in the order they were produced: the run's time line. */
  sequence: number;
  messageId: string;
  /** Agent name, or the human's name for the task. */
  from: string;
  fromAddress: string;
  fromDisplayName: string;
  /** Who got it first: the next stage (pipeline) or the human (single). */
  to: string[];
  subject: string;
  body: string;
  inReplyTo: string | undefined;
  references: string[];
  /** Patch mails carry their bytes as git format-patch made them, for `git am`. */
  patch: { mimeHeaders: Array<[string, string]>; isCover: boolean } | undefined;
  agent: string | undefined;
  modelId: string | undefined;
  usage: TokenUsage | undefined;
}

/** Logical dates: the task at 2026-01-01T09:00Z, every later entry a minute after the previous one. */
export function handoffDate(sequence: number): Date {
  return new Date(Date.UTC(2026, 0, 1, 9, sequence - 1));
}

export class HandoffTranscript {
  readonly mails: HandoffMail[] = [];

  add(mail: Omit<HandoffMail, 'sequence'>): HandoffMail {
    // A retried turn re-derives the same Message-IDs: what it "sent" before is not sent twice.
    const existing = this.mails.find((candidate) => candidate.messageId === mail.messageId);
    if (existing) return existing;
    const entry = { ...mail, sequence: this.mails.length + 1 };
    this.mails.push(entry);
    return entry;
  }

  get lastSequence(): number {
    return this.mails.length;
  }

  find(messageId: string): HandoffMail | undefined {
    const wanted = messageId.trim().startsWith('<') ? messageId.trim() : `<${messageId.trim()}>`;
    return this.mails.find((mail) => mail.messageId === wanted);
  }

  /** The turn message of `agent`, with every entry after `seenUpTo` not written by it marked new and addressed To it. */
  render(options: { agent: { name: string; address: string; role: string }; directory: Directory; seenUpTo: number; maxMessages: number }): { text: string; newMessageIds: string[] } {
    const shown = this.mails.slice(-options.maxMessages);
    const isNew = (mail: HandoffMail) => mail.sequence > options.seenUpTo && mail.from !== options.agent.name;
    const messages: TurnMailView[] = shown.map((mail) => ({
      messageId: mail.messageId,
      status: isNew(mail) ? 'new' : mail.from === options.agent.name ? 'sent-by-you' : 'earlier',
      addressedAs: isNew(mail) || mail.to.includes(options.agent.name) ? 'to' : 'none',
      from: `${mail.fromDisplayName} <${mail.fromAddress}>`,
      to: isNew(mail) ? [options.agent.address] : mail.to,
      cc: [],
      date: handoffDate(mail.sequence).toISOString(),
      subject: mail.subject,
      autoSubmitted: mail.agent === undefined ? undefined : 'auto-generated',
      agent: mail.agent,
      attachments: [],
      body: mail.body,
    }));
    const newest = shown.filter(isNew);
    const text = renderTurn({
      self: options.agent,
      directory: options.directory.entries,
      subject: newest[0]?.subject ?? shown[0]?.subject ?? '',
      messages,
    });
    return { text, newMessageIds: newest.map((mail) => mail.messageId) };
  }

  /** RFC 5322 bytes of an entry (patches exactly as `git am` needs them). */
  raw(mail: HandoffMail, domain: string): Buffer {
    const from = { address: mail.fromAddress, name: mail.fromDisplayName };
    const to = mail.to.map((name) => ({ address: name.includes('@') ? name : `${name}@${domain}`, name: '' }));
    if (mail.patch) {
      return buildPatchMail({
        from,
        to,
        cc: [],
        subject: mail.subject,
        messageId: mail.messageId,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        mimeHeaders: mail.patch.mimeHeaders,
        body: mail.body,
        date: handoffDate(mail.sequence),
        agentName: mail.agent ?? mail.from,
        modelId: mail.modelId ?? 'human',
        usage: mail.usage ?? { inputTokens: 0, outputTokens: 0 },
      });
    }
    const header = [
      `From: ${mail.fromDisplayName.replace(/[\r\n"]/g, '')} <${mail.fromAddress}>`,
      `To: ${to.map((address) => address.address).join(', ')}`,
      `Subject: ${mail.subject.replace(/[\r\n]/g, ' ')}`,
      `Message-ID: ${mail.messageId}`,
      ...(mail.inReplyTo ? [`In-Reply-To: ${mail.inReplyTo}`] : []),
      ...(mail.references.length > 0 ? [`References: ${mail.references.join(' ')}`] : []),
      `Date: ${handoffDate(mail.sequence).toUTCString().replace('GMT', '+0000')}`,
      ...(mail.agent ? ['Auto-Submitted: auto-generated', `X-Mailswarm-Agent: ${mail.agent}`, `X-Mailswarm-Model: ${mail.modelId ?? ''}`] : []),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
    ];
    return Buffer.from(`${header.join('\r\n')}\r\n\r\n${mail.body.replace(/\r?\n/g, '\r\n')}\r\n`, 'utf8');
  }
}
