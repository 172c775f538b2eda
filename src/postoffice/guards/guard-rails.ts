// The guard rails of the post office (issue 7): every message submitted on the submission port passes
// screenSubmission() after the sender checks and before delivery, so no agent prompt can talk past them.
//   - mail from an agent account: gets `X-Mailswarm-Hop: n`; its tokens (X-Mailswarm-Usage) are counted; it
//     is held when the agent is paused or a loop guard trips (loop-guards.ts); the agent is paused and the
//     humans told when its tokens cross the daily budget (token-accounting.ts);
//   - mail from a human account: may be a governance command, run through the HumanCommands the post office
//     plugs in (governance/governance-by-mail.ts; the contract is human-commands.ts, so guards/ does not
//     depend on governance/);
//   - anything else (the system account) passes untouched. The inbound port never calls this: strangers
//     can neither be guarded as agents nor command anything.
// State lives in <dataDir>/guards.sqlite (guard-database.ts); the decision and its records are one
// transaction, so a crash never leaves a message counted but not decided. Held mail answers 250
// ("held for moderation: <rule>"): it is safely kept, nothing is lost.
import type { GuardsConfig } from '../../config/config-schema.ts';
import type { Logger } from '../../logger.ts';
import type { AccountDirectory } from '../accounts/account-directory.ts';
import type { MessageJournal } from '../journal/message-journal.ts';
import type { SmarthostRelay } from '../smtp/smarthost-relay.ts';
import type { ScreeningVerdict, SubmissionGuard, SubmissionToScreen } from '../smtp/submission-guard.ts';
import type { MailStoreApi } from '../store/store-types.ts';
import { GuardDatabase } from './guard-database.ts';
import { GuardDelivery } from './guard-delivery.ts';
import { HeldMail, type HoldRequest, type HoldRule } from './held-mail.ts';
import type { GuardControls, HumanCommands } from './human-commands.ts';
import { LoopGuards, type ScreenedAgentMessage } from './loop-guards.ts';
import { bodyHash, HOP_HEADER, readMessageFacts, RELEASED_HEADER, type MessageFacts } from './message-facts.ts';
import { PauseRegistry, type PausedAgent } from './pause-registry.ts';
import { composePostmasterMail } from './postmaster-mail.ts';
import { postmasterMessageId } from './postmaster-ids.ts';
import { TokenAccounting, type AgentTokensToday } from './token-accounting.ts';

/** How long screened-message rows are kept for hop look-ups and budgets. */
const RETENTION_DAYS = 7;
const PRUNE_INTERVAL_MS = 60 * 60_000;

export interface GuardStatus {
  pausedAgents: PausedAgent[];
  /** Tokens per agent on the current UTC day (agents without usage today are absent). */
  tokensToday: AgentTokensToday[];
  /** Held messages not yet released. */
  heldCount: number;
  limits: GuardsConfig;
}

export interface GuardRailsOptions {
  dataDir: string;
  config: GuardsConfig;
  store: MailStoreApi;
  accounts: AccountDirectory;
  journal: MessageJournal;
  smarthost?: SmarthostRelay | undefined;
  logger: Logger;
  /** The clock (tests move it instead of sleeping). */
  now?: () => Date;
  /** Governance by mail, built on the guards' controls; absent: a human's mail is never a command. */
  humanCommands?: ((controls: GuardControls) => HumanCommands) | undefined;
}

export class GuardRails implements SubmissionGuard {
  readonly #database: GuardDatabase;
  readonly #config: GuardsConfig;
  readonly #accounts: AccountDirectory;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #loops: LoopGuards;
  readonly #tokens: TokenAccounting;
  readonly #pauses: PauseRegistry;
  readonly #held: HeldMail;
  readonly #delivery: GuardDelivery;
  readonly #governance: HumanCommands | undefined;
  #lastPrune = 0;

  static open(options: GuardRailsOptions): GuardRails {
    return new GuardRails(options, new GuardDatabase(options.dataDir));
  }

  private constructor(options: GuardRailsOptions, database: GuardDatabase) {
    this.#database = database;
    this.#config = options.config;
    this.#accounts = options.accounts;
    this.#logger = options.logger.child({ component: 'guards' });
    this.#now = options.now ?? (() => new Date());
    const domain = options.accounts.domain;
    this.#loops = new LoopGuards(database, options.config, domain);
    this.#tokens = new TokenAccounting(database, options.config.dailyTokenBudget);
    this.#pauses = new PauseRegistry(database);
    this.#delivery = new GuardDelivery({ store: options.store, accounts: options.accounts, journal: options.journal, smarthost: options.smarthost });
    this.#held = new HeldMail({ database, delivery: this.#delivery, domain, logger: this.#logger });
    this.#governance = options.humanCommands?.({
      pauses: this.#pauses,
      held: this.#held,
      delivery: this.#delivery,
      release: (heldId, approvedBy, now) => this.release(heldId, approvedBy, now),
    });
  }

  async screenSubmission(submission: SubmissionToScreen): Promise<ScreeningVerdict> {
    const kind = this.#accounts.get(submission.account)?.kind;
    if (kind === 'human') return this.#screenHuman(submission);
    if (kind === 'agent') return this.#screenAgent(submission);
    return { action: 'deliver', raw: submission.raw };
  }

  async #screenHuman(submission: SubmissionToScreen): Promise<ScreeningVerdict> {
    if (this.#governance === undefined) return { action: 'deliver', raw: submission.raw };
    const facts = readMessageFacts(submission.raw);
    const outcome = await this.#governance.execute(submission.account, submission.recipients, facts, this.#now());
    if (outcome === undefined) return { action: 'deliver', raw: submission.raw };
    this.#logger.info({ human: submission.account, messageId: facts.messageId, outcome: outcome.kind === 'handled' ? outcome.reply : outcome.summary }, 'governance command');
    if (outcome.kind === 'handled') return { action: 'handled', reply: outcome.reply };
    return { action: 'deliver', raw: prependLines(outcome.headerLines, submission.raw) };
  }

  async #screenAgent(submission: SubmissionToScreen): Promise<ScreeningVerdict> {
    const now = this.#now();
    const agent = submission.account;
    const facts = readMessageFacts(submission.raw);
    const message = screenedMessage(agent, facts);
    this.#pruneNowAndThen(now);
    // The runtime resubmits a message whose 250 it did not see: a copy already held stays held, once.
    const alreadyHeld = message.messageId === null ? undefined : this.#held.pendingByMessageId(agent, message.messageId);
    if (alreadyHeld !== undefined) return holdVerdict(alreadyHeld.rule, alreadyHeld.id);
    const decision = this.#database.transaction(() => {
      const hop = this.#loops.hopFor(message);
      const firstScreening = message.messageId === null || !this.#loops.isKnown(message.messageId);
      const spent = firstScreening ? this.#tokens.add(agent, message.thread, facts.usage, now) : { crossedBudget: false, totalToday: this.#tokens.totalToday(agent, now) };
      const paused = this.#pauses.get(agent);
      const tripped = paused !== undefined ? { rule: 'paused' as const, reason: `${agent} is paused (${paused.reason}, since ${paused.pausedAt.toISOString()})` } : this.#loops.check(message, hop, now);
      const raw = prependLines([`${HOP_HEADER}: ${hop}`], submission.raw);
      if (spent.crossedBudget) this.#pauses.pause(agent, `daily token budget of ${this.#config.dailyTokenBudget} exceeded (${spent.totalToday} tokens today)`, 'postmaster', now);
      if (tripped === undefined) {
        this.#loops.record(message, hop, 'delivered', now);
        return { hop, raw, spent, held: undefined };
      }
      this.#loops.record(message, hop, 'held', now);
      const request: HoldRequest = { agent, facts, hop, rule: tripped.rule, reason: tripped.reason, mailFrom: agent, recipients: submission.recipients, raw, now };
      return { hop, raw, spent, held: { request, ...this.#held.keep(request) } };
    });
    if (decision.spent.crossedBudget) {
      // The pause is already in force; a failed alert must not turn this delivery into a 451 (the retry would
      // not alert again either), so it is logged as an error for the operator instead.
      await this.#announceBudgetPause(agent, decision.spent.totalToday, now).catch((error: unknown) => this.#logger.error({ err: error, agent }, 'could not mail the token-budget alert'));
    }
    if (decision.held === undefined) return { action: 'deliver', raw: decision.raw };
    const { request, heldId, notifyAgent } = decision.held;
    try {
      await this.#held.announce(request, heldId, notifyAgent);
      this.#delivery.journalHeld(request.raw, agent, request.recipients, now);
    } catch (error) {
      // The client gets 451 and retries: the retry must hold (and announce) it afresh, not find it held silently.
      this.#held.discard(heldId);
      throw error;
    }
    return holdVerdict(request.rule, heldId);
  }

  /**
   * Delivers a held message to its original envelope recipients (bypassing the guard that tripped, but
   * counted against the budgets); returns the accounts and foreign addresses it went to.
   */
  async release(heldId: number, approvedBy: string, now: Date = this.#now()): Promise<string[]> {
    const held = this.#held.get(heldId);
    if (held === undefined) throw new Error(`guard rails: no held message ${heldId}`);
    if (!this.#held.markReleased(heldId, approvedBy, now)) throw new Error(`guard rails: held message ${heldId} was already released`);
    const raw = prependLines([`${RELEASED_HEADER}: held ${heldId} (${held.rule}); approved by ${approvedBy}`], held.raw);
    try {
      const results = await this.#delivery.toRecipients(held.mailFrom, held.recipients, raw, now);
      const facts = readMessageFacts(held.raw);
      this.#database.transaction(() => this.#loops.record(screenedMessage(held.agent, facts), held.hop, 'released', now));
      this.#logger.info({ heldId, agent: held.agent, approvedBy, stored: results.length }, 'held message released');
      const local = [...new Set(results.map((result) => result.account))];
      const foreign = held.recipients.filter((recipient) => !this.#accounts.isLocalAddress(recipient));
      return [...local, ...foreign];
    } catch (error) {
      this.#held.unmarkReleased(heldId);
      throw error;
    }
  }

  /** For `mailswarm status`: paused agents, tokens today per agent, held messages awaiting a human. */
  status(): GuardStatus {
    const now = this.#now();
    return { pausedAgents: this.#pauses.list(), tokensToday: this.#tokens.today(now), heldCount: this.#held.pendingCount(), limits: this.#config };
  }

  /** Retention (`retention.heldDays`): forgets messages held before `cutoff`; returns how many. */
  pruneHeld(cutoff: Date): number {
    return this.#held.pruneBefore(cutoff);
  }

  /** Tokens per agent for one thread on the current UTC day. */
  threadTokens(thread: string): AgentTokensToday[] {
    return this.#tokens.threadToday(thread, this.#now());
  }

  close(): void {
    this.#database.close();
  }

  async #announceBudgetPause(agent: string, totalToday: number, now: Date): Promise<void> {
    this.#logger.warn({ agent, totalToday, budget: this.#config.dailyTokenBudget }, 'agent paused: daily token budget exceeded');
    const alert = await composePostmasterMail(this.#accounts.domain, {
      to: [...this.#delivery.moderators(), agent],
      subject: `Paused ${agent}: daily token budget exceeded`,
      text: [
        `${agent} used ${totalToday} tokens today (UTC); the daily budget is ${this.#config.dailyTokenBudget} (guards.dailyTokenBudget).`,
        'The post office paused it: its outgoing mail is held until a human mails RESUME to its address.',
      ].join('\n'),
      messageId: postmasterMessageId('budget', this.#accounts.domain),
      autoSubmitted: 'auto-generated',
      command: 'STOP',
      date: now,
    });
    this.#delivery.toInboxes([...this.#delivery.moderators(), agent], alert, now);
  }

  #pruneNowAndThen(now: Date): void {
    if (now.getTime() - this.#lastPrune < PRUNE_INTERVAL_MS) return;
    this.#lastPrune = now.getTime();
    this.#loops.prune(now, RETENTION_DAYS);
  }
}

function holdVerdict(rule: HoldRule, heldId: number): ScreeningVerdict {
  return { action: 'hold', rule, heldId, reply: `2.6.0 message held for moderation: ${rule} (held id ${heldId}; the humans decide)` };
}

function screenedMessage(agent: string, facts: MessageFacts): ScreenedAgentMessage {
  return { agent, messageId: facts.messageId, inReplyTo: facts.inReplyTo, references: facts.references, thread: facts.threadKey, bodyHash: bodyHash(facts.text) };
}

function prependLines(lines: string[], raw: Buffer): Buffer {
  return Buffer.concat([Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'utf8'), raw]);
}
