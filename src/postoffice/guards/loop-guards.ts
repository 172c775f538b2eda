// The four loop and storm guards on mail submitted by agents (issue 7), each an indexed lookup in
// guards.sqlite:
//   hop-limit            hops since the last human message in the thread: parent's hop + 1. The parent is the
//                        In-Reply-To message, else the newest References id we know; a parent we never stamped
//                        (a human's or a stranger's mail) counts 0, so human mail resets the count. Looked up
//                        in our own table rather than by reading the parent's stored header: the agent's own
//                        Sent copy (APPENDed by the agent) never carries our header, and a point lookup by
//                        Message-ID reads no message bytes.
//   thread-reply-budget  mails one agent sent into one thread (first References id, else In-Reply-To, else its
//                        own Message-ID) on this UTC day.
//   duplicate-body       the same agent sent the same text body (whitespace-normalised SHA-256) within the window.
//   send-rate            a token bucket per agent (capacity = messages, refilled messages per perMinutes).
// Only mail that is delivered (or released by a human) counts against the budgets, so held mail cannot
// exhaust them further.
import type { GuardsConfig } from '../../config/config-schema.ts';
import type { GuardDatabase } from './guard-database.ts';
import { heldIdOfPostmasterMessage } from './postmaster-ids.ts';

export type LoopRule = 'hop-limit' | 'thread-reply-budget' | 'duplicate-body' | 'send-rate';

export interface LoopVerdict {
  rule: LoopRule;
  reason: string;
}

export interface ScreenedAgentMessage {
  agent: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  thread: string;
  bodyHash: string;
}

const MINUTE_MS = 60_000;

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export class LoopGuards {
  readonly #database: GuardDatabase;
  readonly #config: GuardsConfig;
  readonly #domain: string;

  constructor(database: GuardDatabase, config: GuardsConfig, domain: string) {
    this.#database = database;
    this.#config = config;
    this.#domain = domain;
  }

  /** Hop of a known message: an agent message we stamped, or a postmaster notice (the hop of its held mail). */
  hopOf(messageId: string): number | undefined {
    const row = this.#database.statement('SELECT hop FROM agent_messages WHERE message_id = ?').get(messageId) as { hop: number } | undefined;
    if (row !== undefined) return row.hop;
    const heldId = heldIdOfPostmasterMessage(messageId, this.#domain);
    if (heldId === undefined) return undefined;
    const held = this.#database.statement('SELECT hop FROM held_messages WHERE id = ?').get(heldId) as { hop: number } | undefined;
    return held?.hop;
  }

  /** The hop this message gets: its parent's hop + 1, the parent being In-Reply-To or the newest known reference. */
  hopFor(message: Pick<ScreenedAgentMessage, 'messageId' | 'inReplyTo' | 'references'>): number {
    // A resubmission (the runtime's exactly-once retry) keeps the hop it was first given.
    if (message.messageId !== null) {
      const own = this.#database.statement('SELECT hop FROM agent_messages WHERE message_id = ?').get(message.messageId) as { hop: number } | undefined;
      if (own !== undefined) return own.hop;
    }
    if (message.inReplyTo !== null) {
      const hop = this.hopOf(message.inReplyTo);
      if (hop !== undefined) return hop + 1;
      // In-Reply-To names a message we never stamped: a human's (or stranger's) mail resets the count.
      return 1;
    }
    for (const reference of [...message.references].reverse()) {
      const hop = this.hopOf(reference);
      if (hop !== undefined) return hop + 1;
    }
    return 1;
  }

  /** The first loop guard this message trips, or undefined. Does not consume the send rate. */
  check(message: ScreenedAgentMessage, hop: number, now: Date): LoopVerdict | undefined {
    const { maxHops, repliesPerThreadPerDay, duplicateWindowMinutes, sendRate } = this.#config;
    if (hop > maxHops) {
      return { rule: 'hop-limit', reason: `this would be hop ${hop} of the thread without a human in between; the limit is ${maxHops} (guards.maxHops)` };
    }
    const resubmission = message.messageId !== null && this.#isKnownDelivery(message.messageId);
    if (resubmission) return undefined; // already counted when it was first delivered
    const sentToday = this.#database
      .statement("SELECT count(*) AS sent FROM agent_messages WHERE agent = ? AND thread = ? AND day = ? AND outcome IN ('delivered', 'released')")
      .get(message.agent, message.thread, utcDay(now)) as { sent: number };
    if (sentToday.sent >= repliesPerThreadPerDay) {
      return {
        rule: 'thread-reply-budget',
        reason: `${message.agent} already sent ${sentToday.sent} mails into this thread today (UTC); the limit is ${repliesPerThreadPerDay} (guards.repliesPerThreadPerDay)`,
      };
    }
    const since = now.getTime() - duplicateWindowMinutes * MINUTE_MS;
    const duplicate = this.#database
      .statement("SELECT message_id FROM agent_messages WHERE agent = ? AND body_hash = ? AND submitted_at >= ? AND outcome IN ('delivered', 'released') LIMIT 1")
      .get(message.agent, message.bodyHash, since) as { message_id: string } | undefined;
    if (duplicate !== undefined) {
      return {
        rule: 'duplicate-body',
        reason: `${message.agent} sent the same text as <${duplicate.message_id}> within the last ${duplicateWindowMinutes} minutes (guards.duplicateWindowMinutes)`,
      };
    }
    if (this.#bucketLevel(message.agent, now) < 1) {
      return {
        rule: 'send-rate',
        reason: `${message.agent} sent more than ${sendRate.messages} mails in ${sendRate.perMinutes} minutes (guards.sendRate)`,
      };
    }
    return undefined;
  }

  /** Records a screened message (delivered, held or released) and consumes a send token when it is delivered. */
  record(message: ScreenedAgentMessage, hop: number, outcome: 'delivered' | 'held' | 'released', now: Date): void {
    const firstDelivery = outcome !== 'held' && !(message.messageId !== null && this.#isKnownDelivery(message.messageId));
    if (firstDelivery) this.#takeToken(message.agent, now);
    if (message.messageId === null) return;
    this.#database
      .statement(
        `INSERT INTO agent_messages (message_id, agent, thread, hop, body_hash, day, submitted_at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (message_id) DO UPDATE SET outcome = CASE WHEN outcome = 'held' THEN excluded.outcome ELSE outcome END,
           submitted_at = CASE WHEN outcome = 'held' THEN excluded.submitted_at ELSE submitted_at END,
           day = CASE WHEN outcome = 'held' THEN excluded.day ELSE day END`,
      )
      .run(message.messageId, message.agent, message.thread, hop, message.bodyHash, utcDay(now), now.getTime(), outcome);
  }

  /** True when this Message-ID was screened before (any outcome): its tokens are already counted. */
  isKnown(messageId: string): boolean {
    return this.#database.statement('SELECT 1 AS known FROM agent_messages WHERE message_id = ?').get(messageId) !== undefined;
  }

  #isKnownDelivery(messageId: string): boolean {
    return this.#database.statement("SELECT 1 AS known FROM agent_messages WHERE message_id = ? AND outcome IN ('delivered', 'released')").get(messageId) !== undefined;
  }

  #bucketLevel(agent: string, now: Date): number {
    const { messages, perMinutes } = this.#config.sendRate;
    const row = this.#database.statement('SELECT tokens, updated_at FROM send_buckets WHERE agent = ?').get(agent) as { tokens: number; updated_at: number } | undefined;
    if (row === undefined) return messages;
    const refill = ((now.getTime() - row.updated_at) / (perMinutes * MINUTE_MS)) * messages;
    return Math.min(messages, row.tokens + Math.max(0, refill));
  }

  #takeToken(agent: string, now: Date): void {
    // Released mail may take the bucket below zero: the human approved it, and the debt slows what follows.
    const level = this.#bucketLevel(agent, now) - 1;
    this.#database
      .statement('INSERT INTO send_buckets (agent, tokens, updated_at) VALUES (?, ?, ?) ON CONFLICT (agent) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at')
      .run(agent, level, now.getTime());
  }

  /** Forgets screened messages older than `retentionDays` (hop look-ups then start from 0 again). */
  prune(now: Date, retentionDays: number): void {
    this.#database.statement('DELETE FROM agent_messages WHERE submitted_at < ?').run(now.getTime() - retentionDays * 24 * 60 * MINUTE_MS);
  }
}
