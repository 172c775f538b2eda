// What a run leaves behind for evaluation, whatever its condition: how it ended, its turns (tokens per
// agent), its messages in order (the relay's log for e-mail, the hand-off transcript otherwise), held mail,
// plus the writers for a run's files: mboxes (mboxrd, RFC 4155) and JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressedMail } from './peer-corrections.ts';
import type { RunEnd } from './turn-scheduler.ts';

export interface RunTurn {
  agent: string;
  outcome: string;
  inputTokens: number;
  outputTokens: number;
  toolCalls: string[];
  error?: string | undefined;
}

export interface RunMessage {
  sequence: number;
  messageId: string;
  /** Agent names (or "human"). */
  from: string;
  to: string[];
  cc: string[];
  /** Who it was delivered to (envelope after the condition's rewrite; the next stage for a hand-off). */
  recipients: string[];
  subject: string;
  inReplyTo: string | undefined;
  references: string[];
  outcome: 'delivered' | 'held' | 'refused';
  heldRule: string | undefined;
  raw: Buffer;
}

export interface RunRecord {
  end: RunEnd;
  wallMs: number;
  turns: RunTurn[];
  messages: RunMessage[];
  held: Array<{ agent: string; rule: string; messageId: string | null }>;
  /** Who was addressed To: by what, in order: delivered mail (e-mail conditions) or the hand-offs of a pipeline. */
  addressed: AddressedMail[];
  /** Upstream commits no patch mail carried (a lone agent's push): sha → position on the time line. */
  upstreamOrder: Map<string, number>;
}

/** mboxrd: a "From " separator line per message, LF line endings, ">"-quoted lines that start with >*From . */
export function writeMbox(file: string, messages: Buffer[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const parts = messages.map((raw) => {
    const text = raw.toString('utf8').replace(/\r\n/g, '\n');
    const quoted = text.replace(/^(>*From )/gm, '>$1');
    return `From mailswarm Thu Jan  1 00:00:00 2026\n${quoted}${quoted.endsWith('\n') ? '' : '\n'}\n`;
  });
  writeFileSync(file, parts.join(''));
}

export function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Delivered mail as "who was asked what" for the attribution (held mail reached nobody). */
export function addressedByMail(messages: RunMessage[]): AddressedMail[] {
  return messages
    .filter((message) => message.outcome === 'delivered')
    .map((message) => ({
      order: message.sequence,
      messageId: message.messageId,
      from: message.from,
      to: message.to,
      threadIds: [message.messageId, ...(message.inReplyTo ? [message.inReplyTo] : []), ...message.references],
    }));
}
