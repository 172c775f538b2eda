// Mail that tripped a guard: kept whole (bytes + envelope) in guards.sqlite under a held id, announced to
// the moderators by a note in their Held folder (the held message attached as message/rfc822; a reply whose
// first line is APPROVE releases it), and announced to the sending agent by a short notice.
//
// Loop safety of the notice itself: it is Auto-Submitted (RFC 3834) from postmaster and carries the held
// message's hop, so an agent that answers it anyway continues the hop count rather than resetting it. No
// notice is sent about mail that itself answers a postmaster notice, nor more than one per (agent, thread,
// rule) per hour: a misbehaving agent cannot turn notices into a loop.
//
// Records are kept for `retention.heldDays` (pruneBefore, run by the post office's retention schedule):
// a later APPROVE of such a note is answered "no longer kept" instead of delivering anything.
import type { Logger } from '../../logger.ts';
import type { GuardDatabase } from './guard-database.ts';
import type { GuardDelivery } from './guard-delivery.ts';
import type { MessageFacts } from './message-facts.ts';
import { composePostmasterMail } from './postmaster-mail.ts';
import { heldIdOfPostmasterMessage, heldMessageId } from './postmaster-ids.ts';

/** Rules that hold mail: the four loop guards plus a paused sender. */
export type HoldRule = 'hop-limit' | 'thread-reply-budget' | 'duplicate-body' | 'send-rate' | 'paused';

const NOTICE_QUIET_MS = 60 * 60_000;

export interface HoldRequest {
  agent: string;
  facts: MessageFacts;
  hop: number;
  rule: HoldRule;
  reason: string;
  mailFrom: string;
  recipients: string[];
  /** The message exactly as it would have been stored (our trace and hop fields on top). */
  raw: Buffer;
  now: Date;
}

export interface HeldMessage {
  id: number;
  agent: string;
  thread: string;
  messageId: string | null;
  hop: number;
  rule: HoldRule;
  reason: string;
  mailFrom: string;
  recipients: string[];
  raw: Buffer;
  heldAt: Date;
  releasedAt: Date | null;
  releasedBy: string | null;
}

interface HeldRow {
  id: number;
  agent: string;
  thread: string;
  message_id: string | null;
  hop: number;
  rule: string;
  reason: string;
  mail_from: string;
  recipients: string;
  raw: Uint8Array;
  held_at: number;
  released_at: number | null;
  released_by: string | null;
}

export class HeldMail {
  readonly #database: GuardDatabase;
  readonly #delivery: GuardDelivery;
  readonly #domain: string;
  readonly #logger: Logger;

  constructor(options: { database: GuardDatabase; delivery: GuardDelivery; domain: string; logger: Logger }) {
    this.#database = options.database;
    this.#delivery = options.delivery;
    this.#domain = options.domain;
    this.#logger = options.logger;
  }

  /** Keeps the message (synchronous: call inside the guard transaction); returns its held id. */
  keep(request: HoldRequest): { heldId: number; notifyAgent: boolean } {
    const { facts, now } = request;
    const notifyAgent = this.#shouldNotify(request);
    const heldId = Number(
      this.#database
        .statement(
          `INSERT INTO held_messages (agent, thread, message_id, hop, rule, reason, mail_from, recipients, raw, held_at, agent_notified)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(request.agent, facts.threadKey, facts.messageId, request.hop, request.rule, request.reason, request.mailFrom, JSON.stringify(request.recipients), request.raw, now.getTime(), notifyAgent ? 1 : 0)
        .lastInsertRowid,
    );
    return { heldId, notifyAgent };
  }

  /** Puts the note in every moderator's Held folder and (unless suppressed) tells the agent. */
  async announce(request: HoldRequest, heldId: number, notifyAgent: boolean): Promise<void> {
    const { facts, now } = request;
    const subject = facts.subject || '(no subject)';
    const note = await composePostmasterMail(this.#domain, {
      to: this.#delivery.moderators(),
      subject: `[held: ${request.rule}] ${subject}`,
      text: [
        `The post office held a message from ${request.agent} (held id ${heldId}).`,
        '',
        `Rule:       ${request.rule}`,
        `Why:        ${request.reason}`,
        `Recipients: ${request.recipients.join(', ')}`,
        `Message-ID: ${facts.messageId === null ? '(none)' : `<${facts.messageId}>`}`,
        `Hop:        ${request.hop}`,
        '',
        'The held message is attached. It has not been delivered to anyone.',
        'To deliver it to its original recipients, reply to this note with APPROVE as the first line.',
        'To stop the agent, mail STOP to its address (or to the team list to stop every agent); RESUME undoes it.',
      ].join('\n'),
      messageId: heldMessageId(heldId, 'note', this.#domain),
      autoSubmitted: 'auto-generated',
      attachedMessage: { raw: request.raw, filename: `held-${heldId}.eml` },
      date: now,
    });
    this.#delivery.toHeldFolders(note, now);
    if (notifyAgent) await this.#noticeToAgent(request, heldId, subject);
    this.#logger.info({ heldId, agent: request.agent, rule: request.rule, messageId: facts.messageId, notified: notifyAgent }, 'message held for moderation');
  }

  /** The held id a Held note's Message-ID names (whether or not the record is still kept), or undefined. */
  heldIdOfNote(messageId: string): number | undefined {
    return heldIdOfPostmasterMessage(messageId, this.#domain, 'note');
  }

  /** Retention: forgets the messages held before `cutoff`, released or not; returns how many. */
  pruneBefore(cutoff: Date): number {
    return Number(this.#database.statement('DELETE FROM held_messages WHERE held_at < ?').run(cutoff.getTime()).changes);
  }

  /** The newest held copy of this agent's Message-ID that no human released yet (a resubmission finds it). */
  pendingByMessageId(agent: string, messageId: string): HeldMessage | undefined {
    const row = this.#database
      .statement('SELECT * FROM held_messages WHERE message_id = ? AND agent = ? AND released_at IS NULL ORDER BY id DESC LIMIT 1')
      .get(messageId, agent) as HeldRow | undefined;
    return row === undefined ? undefined : toHeldMessage(row);
  }

  get(heldId: number): HeldMessage | undefined {
    const row = this.#database.statement('SELECT * FROM held_messages WHERE id = ?').get(heldId) as HeldRow | undefined;
    return row === undefined ? undefined : toHeldMessage(row);
  }

  /** Marks a held message released; false when it was released before. */
  markReleased(heldId: number, releasedBy: string, now: Date): boolean {
    const result = this.#database.statement('UPDATE held_messages SET released_at = ?, released_by = ? WHERE id = ? AND released_at IS NULL').run(now.getTime(), releasedBy, heldId);
    return Number(result.changes) === 1;
  }

  /** Forgets a held message whose announcement failed (the submission was answered 451, not 250). */
  discard(heldId: number): void {
    this.#database.statement('DELETE FROM held_messages WHERE id = ?').run(heldId);
  }

  /** Undoes markReleased after the delivery failed, so a later APPROVE can try again. */
  unmarkReleased(heldId: number): void {
    this.#database.statement('UPDATE held_messages SET released_at = NULL, released_by = NULL WHERE id = ?').run(heldId);
  }

  pendingCount(): number {
    return (this.#database.statement('SELECT count(*) AS pending FROM held_messages WHERE released_at IS NULL').get() as { pending: number }).pending;
  }

  #shouldNotify(request: HoldRequest): boolean {
    const answersNotice = [request.facts.inReplyTo, ...request.facts.references].some(
      (id) => id !== null && heldIdOfPostmasterMessage(id, this.#domain, 'notice') !== undefined,
    );
    if (answersNotice) return false;
    const recent = this.#database
      .statement('SELECT 1 AS recent FROM held_messages WHERE agent = ? AND thread = ? AND rule = ? AND held_at >= ? AND agent_notified = 1 LIMIT 1')
      .get(request.agent, request.facts.threadKey, request.rule, request.now.getTime() - NOTICE_QUIET_MS);
    return recent === undefined;
  }

  async #noticeToAgent(request: HoldRequest, heldId: number, subject: string): Promise<void> {
    const { facts } = request;
    const inReplyTo = facts.messageId ?? undefined;
    const references = [...facts.references, ...(facts.messageId !== null ? [facts.messageId] : [])];
    const notice = await composePostmasterMail(this.#domain, {
      to: [request.agent],
      subject: `Held for moderation: ${subject}`,
      text: [
        `Your message was not delivered: the post office held it for the humans (rule ${request.rule}).`,
        request.reason,
        '',
        'A human may release it. Do not resend it and do not answer this notice: it is automatic.',
      ].join('\n'),
      messageId: heldMessageId(heldId, 'notice', this.#domain),
      inReplyTo,
      references,
      autoSubmitted: 'auto-replied',
      hop: request.hop,
      date: request.now,
    });
    this.#delivery.toInboxes([request.agent], notice, request.now);
  }
}

function toHeldMessage(row: HeldRow): HeldMessage {
  return {
    id: row.id,
    agent: row.agent,
    thread: row.thread,
    messageId: row.message_id,
    hop: row.hop,
    rule: row.rule as HoldRule,
    reason: row.reason,
    mailFrom: row.mail_from,
    recipients: JSON.parse(row.recipients) as string[],
    raw: Buffer.from(row.raw),
    heldAt: new Date(row.held_at),
    releasedAt: row.released_at === null ? null : new Date(row.released_at),
    releasedBy: row.released_by,
  };
}
