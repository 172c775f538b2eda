// The life of one agent: its IMAP connection wakes it (IDLE / reconnect), each wake drains all unprocessed
// INBOX mail, grouped by thread, one turn per thread. Mail arriving during a turn is picked up by the next
// pass, so a busy thread gets one coalesced turn rather than a queue of stale ones. Processing state is
// only on the server (keywords, see mailbox-operations.ts); model failures are retried a bounded number of
// times, after which the sender gets an honest failure note.
import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.ts';
import { ModelError, type LanguageModel, type TokenUsage } from '../providers/model.ts';
import { defaultTrust, type AgentDefinition } from './agent-definition.ts';
import type { Directory } from './directory.ts';
import { MailboxConnection, type ImapServerOptions, type ReconnectPolicy } from './mailbox-connection.ts';
import { listUnprocessed, markProcessed, recordRetry, resolveFolders, retryCountOf, searchUids, type FolderNames } from './mailbox-operations.ts';
import { deliverExactlyOnce, MailSubmitter, type DeliveryOutcome, type SubmissionServerOptions } from './outgoing-mail.ts';
import { failureNote } from './failure-note.ts';
import { threadRootOf, type StoredMail } from './parsed-mail.ts';
import { addressedAs, buildSystemPrompt, buildTurnMessage } from './prompt-builder.ts';
import { loadThread } from './thread-context.ts';
import { runTurn } from './turn-loop.ts';
import { governanceCommandOf, pausedByNewestCommand } from './governance-commands.ts';
import { trustRefusal } from './sender-trust.ts';
import { swarmTools, type SwarmTool, type TurnToolContext } from './tools.ts';
import type { AgentWorkspaces } from './agent-workspaces.ts';
import { patchTools } from './patch-tools.ts';
import { workspaceTools } from './workspace-tools.ts';

export type AgentState = 'idle' | 'thinking' | 'paused' | 'disconnected';

export interface RetryPolicy {
  /** Model attempts per mail before the failure note. */
  maxAttempts: number;
  /** Delay before attempt n+1 is n * delayMs. */
  delayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 3, delayMs: 30_000 };

export interface TurnStartedEvent {
  agent: string;
  threadRoot: string;
  messageIds: string[];
}

export interface TurnFinishedEvent extends TurnStartedEvent {
  outcome: 'answered' | 'silent' | 'retry-later' | 'failed';
  usage: TokenUsage;
  sentMessageIds: string[];
  /** Per outgoing mail: sent now, found already sent (a re-run after a crash), or resubmitted from Sent. */
  deliveries: Array<{ messageId: string; outcome: DeliveryOutcome }>;
  toolCalls: string[];
  error?: string | undefined;
}

export interface AgentRuntimeOptions {
  definition: AgentDefinition;
  address: string;
  imap: ImapServerOptions;
  submission: SubmissionServerOptions;
  credentials: { user: string; password: string };
  directory: Directory;
  model: LanguageModel;
  logger: Logger;
  retry?: RetryPolicy | undefined;
  reconnect?: ReconnectPolicy | undefined;
  /** The agent's project workspaces; agents without projects get only the mail tools. */
  workspaces?: AgentWorkspaces | undefined;
}

/** Events: turn-started, turn-finished, state-changed ({agent, state}), mail-skipped and mail-deferred ({agent, messageIds, reason}). */
export class AgentRuntime extends EventEmitter {
  readonly name: string;
  #options: AgentRuntimeOptions;
  #connection: MailboxConnection;
  #submitter: MailSubmitter;
  #folders: FolderNames | undefined;
  #retry: RetryPolicy;
  #logger: Logger;
  #wakeRequested = false;
  #draining: Promise<void> | undefined;
  #thinking = false;
  #paused = false;
  /** Paused by a human's STOP mail (until RESUME); undefined until read back from the server. */
  #pausedByMail: boolean | undefined;
  #stopped = false;
  #abort = new AbortController();
  /** Thread root -> earliest time of the next model attempt (in memory: after a restart, retry at once). */
  #notBefore = new Map<string, number>();
  #timers = new Set<NodeJS.Timeout>();
  #tools: SwarmTool[];

  constructor(options: AgentRuntimeOptions) {
    super();
    this.#options = options;
    this.name = options.definition.name;
    this.#retry = options.retry ?? defaultRetryPolicy;
    this.#logger = options.logger;
    this.#tools = options.workspaces ? [...swarmTools, ...workspaceTools, ...patchTools] : swarmTools;
    this.#connection = new MailboxConnection({ server: options.imap, credentials: options.credentials, logger: options.logger, reconnect: options.reconnect });
    this.#submitter = new MailSubmitter({ server: options.submission, credentials: options.credentials });
    this.#connection.on('connected', () => {
      this.#emitState();
      this.wake();
    });
    this.#connection.on('disconnected', () => this.#emitState());
    this.#connection.on('new-mail', () => this.wake());
  }

  state(): AgentState {
    if (this.#paused || this.#pausedByMail === true) return 'paused';
    if (this.#connection.state !== 'connected') return 'disconnected';
    return this.#thinking ? 'thinking' : 'idle';
  }

  start(): void {
    this.#connection.start();
  }

  pause(): void {
    this.#paused = true;
    this.#emitState();
  }

  resume(): void {
    this.#paused = false;
    this.#emitState();
    this.wake();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    await this.#draining?.catch(() => undefined);
    await this.#connection.stop();
    this.#submitter.close();
  }

  /** Asks for a pass over unprocessed mail; passes never overlap, wakes during a pass cause one more pass. */
  wake(): void {
    this.#wakeRequested = true;
    this.#ensureDraining();
  }

  #ensureDraining(): void {
    if (this.#draining || this.#stopped) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      // A wake that landed after the loop's last check but before this callback must not be lost.
      if (this.#wakeRequested && !this.#paused && this.#connection.state === 'connected') this.#ensureDraining();
    });
  }

  async #drain(): Promise<void> {
    while (this.#wakeRequested && !this.#stopped && !this.#paused && this.#connection.state === 'connected') {
      this.#wakeRequested = false;
      try {
        await this.#processPass();
      } catch (error) {
        if (this.#stopped) return;
        // Usually a lost connection: the reconnect wakes us again. Otherwise try again after a pause.
        this.#logger.error({ err: error }, 'processing pass failed; mail stays unprocessed');
        this.#wakeLater(this.#options.reconnect?.maxDelayMs ?? 5_000);
      }
    }
  }

  #wakeLater(delayMs: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.wake();
    }, delayMs);
    this.#timers.add(timer);
  }

  async #processPass(): Promise<void> {
    const client = this.#connection.client;
    this.#folders ??= await resolveFolders(client);
    if (this.#pausedByMail === undefined) {
      this.#pausedByMail = await pausedByNewestCommand(client);
      if (this.#pausedByMail) this.#emitState();
    }
    const unprocessed = await this.#applyGovernanceCommands(await listUnprocessed(client));
    if (unprocessed.length === 0) return;
    if (this.#pausedByMail) {
      this.emit('mail-deferred', { agent: this.name, messageIds: unprocessed.map((mail) => mail.messageId), reason: 'paused by STOP: waits for RESUME' });
      return;
    }
    const own = unprocessed.filter((mail) => this.#isFromSelf(mail));
    if (own.length > 0) {
      await markProcessed(client, own.map((mail) => mail.uid));
      this.emit('mail-skipped', { agent: this.name, messageIds: own.map((mail) => mail.messageId), reason: 'from myself' });
    }
    const threads = new Map<string, StoredMail[]>();
    for (const mail of unprocessed) {
      if (this.#isFromSelf(mail)) continue;
      const root = threadRootOf(mail);
      threads.set(root, [...(threads.get(root) ?? []), mail]);
    }
    let handledAny = false;
    for (const [root, group] of threads) {
      if (this.#stopped || this.#paused) return;
      const notBefore = this.#notBefore.get(root) ?? 0;
      if (notBefore > Date.now()) {
        this.#wakeLater(notBefore - Date.now());
        continue;
      }
      await this.#handleThread(root, group);
      handledAny = true;
    }
    // Mail that arrived while a turn worked in Sent or Archive raised no EXISTS for INBOX (it was not
    // selected then): look once more, so the loop ends only after a pass that found nothing to do.
    if (handledAny) this.#wakeRequested = true;
  }

  /** Applies STOP/RESUME mail in arrival order, marks it processed (no turn), returns the other mail. */
  async #applyGovernanceCommands(unprocessed: StoredMail[]): Promise<StoredMail[]> {
    const commands = unprocessed.filter((mail) => governanceCommandOf(mail) !== undefined).sort((a, b) => a.uid - b.uid);
    if (commands.length === 0) return unprocessed;
    for (const mail of commands) this.#pausedByMail = governanceCommandOf(mail) === 'STOP';
    await markProcessed(this.#connection.client, commands.map((mail) => mail.uid));
    for (const mail of commands) {
      this.emit('mail-skipped', { agent: this.name, messageIds: [mail.messageId], reason: `governance command ${governanceCommandOf(mail)}` });
    }
    this.#logger.info({ paused: this.#pausedByMail }, this.#pausedByMail ? 'paused by STOP mail: new mail waits for RESUME' : 'resumed by RESUME mail');
    this.#emitState();
    return unprocessed.filter((mail) => governanceCommandOf(mail) === undefined);
  }

  async #handleThread(root: string, group: StoredMail[]): Promise<void> {
    const client = this.#connection.client;
    const refusals = group.map((mail) => trustRefusal(mail, this.#options.definition.trust ?? defaultTrust, this.#options.directory));
    const triggering = group.filter((mail, index) => refusals[index] === undefined && this.#wakesMe(mail));
    if (triggering.length === 0) {
      // Copied only, or from a sender the agent does not trust: keep it as (fenced) context for later turns
      // of this thread, but take no turn now.
      await markProcessed(client, group.map((mail) => mail.uid));
      const refusal = refusals.find((reason) => reason !== undefined);
      const reason = refusal === undefined ? `wake policy "${this.#options.definition.wake}"` : `not trusted to wake: ${refusal}`;
      this.emit('mail-skipped', { agent: this.name, messageIds: group.map((mail) => mail.messageId), reason });
      return;
    }
    if (await this.#overDailyBudget(root)) {
      this.#logger.warn({ threadRoot: root }, 'daily turn budget for this thread used up: mail marked processed without a turn');
      await markProcessed(client, group.map((mail) => mail.uid));
      this.emit('mail-skipped', { agent: this.name, messageIds: group.map((mail) => mail.messageId), reason: 'daily turn budget exhausted' });
      return;
    }
    await this.#runThreadTurn(root, group, triggering);
  }

  async #runThreadTurn(root: string, group: StoredMail[], triggering: StoredMail[]): Promise<void> {
    const definition = this.#options.definition;
    const folders = this.#folders!;
    const messageIds = group.map((mail) => mail.messageId);
    const uids = group.map((mail) => mail.uid);
    const self = { address: this.#options.address, name: definition.displayName ?? definition.name };
    const thread = await loadThread(this.#connection.client, folders, root, group);
    let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
    const context: TurnToolContext = {
      agentName: definition.name,
      self,
      modelId: this.#options.model.id,
      client: () => this.#connection.client,
      folders,
      submitter: this.#submitter,
      directory: this.#options.directory,
      logger: this.#logger.child({ threadRoot: root }),
      thread,
      incomingMessageIds: messageIds,
      defaultTarget: triggering.at(-1)!,
      usageSoFar: () => usage,
      outcome: { sentMessageIds: [], deliveries: [], silent: false, silentReason: undefined },
      outgoingCount: 0,
      workspaces: this.#options.workspaces?.beginTurn(),
    };
    const started: TurnStartedEvent = { agent: this.name, threadRoot: root, messageIds };
    this.#thinking = true;
    this.#emitState();
    this.emit('turn-started', started);
    try {
      const result = await runTurn({
        model: this.#options.model,
        system: buildSystemPrompt(definition, this.#options.address, this.#options.directory),
        userMessage: buildTurnMessage({ agent: definition, selfAddress: this.#options.address, directory: this.#options.directory, thread, newMessageIds: new Set(messageIds) }),
        tools: this.#tools,
        context,
        maxSteps: definition.budgets.maxToolStepsPerTurn,
        maxOutputTokens: definition.budgets.maxOutputTokens,
        signal: this.#abort.signal,
        logger: context.logger,
        onUsage: (total) => {
          usage = total;
        },
      });
      // Only now, with every reply submitted and stored in Sent, is the incoming mail done.
      await markProcessed(this.#connection.client, uids);
      this.#notBefore.delete(root);
      this.#finish({
        ...started,
        outcome: context.outcome.sentMessageIds.length > 0 ? 'answered' : 'silent',
        usage: result.usage,
        sentMessageIds: context.outcome.sentMessageIds,
        deliveries: context.outcome.deliveries,
        toolCalls: result.toolCalls.map((call) => call.name),
      });
    } catch (error) {
      if (this.#stopped) throw error;
      if (!(error instanceof ModelError)) {
        this.#finish({ ...started, outcome: 'retry-later', usage, sentMessageIds: context.outcome.sentMessageIds, deliveries: context.outcome.deliveries, toolCalls: [], error: String(error) });
        throw error;
      }
      await this.#handleModelFailure(root, group, triggering, error, usage, started, context.outcome.deliveries);
    }
  }

  async #handleModelFailure(
    root: string,
    group: StoredMail[],
    triggering: StoredMail[],
    error: ModelError,
    usage: TokenUsage,
    started: TurnStartedEvent,
    deliveries: TurnFinishedEvent['deliveries'],
  ): Promise<void> {
    const sentMessageIds = deliveries.map((delivery) => delivery.messageId);
    const client = this.#connection.client;
    const uids = group.map((mail) => mail.uid);
    const attempt = Math.max(0, ...group.map((mail) => retryCountOf(mail.flags))) + 1;
    this.#logger.warn({ err: error, attempt, maxAttempts: this.#retry.maxAttempts, threadRoot: root }, 'model failed on this thread');
    if (error.retryable && attempt < this.#retry.maxAttempts) {
      await recordRetry(client, uids, attempt);
      const delay = this.#retry.delayMs * attempt;
      this.#notBefore.set(root, Date.now() + delay);
      this.#wakeLater(delay);
      this.#finish({ ...started, outcome: 'retry-later', usage, sentMessageIds, deliveries, toolCalls: [], error: error.message });
      return;
    }
    const definition = this.#options.definition;
    const note = failureNote({
      agentName: definition.name,
      self: { address: this.#options.address, name: definition.displayName ?? definition.name },
      modelId: this.#options.model.id,
      group,
      target: triggering.at(-1)!,
      error,
      attempts: attempt,
      usage,
    });
    const noteId = note.messageId;
    const noteOutcome = await deliverExactlyOnce({ client, sentFolder: this.#folders!.sent, submitter: this.#submitter, logger: this.#logger, mail: note });
    await markProcessed(client, uids);
    this.#notBefore.delete(root);
    this.#finish({
      ...started,
      outcome: 'failed',
      usage,
      sentMessageIds: [...sentMessageIds, noteId],
      deliveries: [...deliveries, { messageId: noteId, outcome: noteOutcome }],
      toolCalls: [],
      error: error.message,
    });
  }

  #finish(event: TurnFinishedEvent): void {
    this.#thinking = false;
    this.#emitState();
    this.emit('turn-finished', event);
  }

  #isFromSelf(mail: StoredMail): boolean {
    return mail.from.some((address) => address.address === this.#options.address);
  }

  /** Cc with `wake: to` does not wake; Bcc counts as direct, a copy through a list (List-Id) as Cc. */
  #wakesMe(mail: StoredMail): boolean {
    const wake = this.#options.definition.wake;
    if (wake === 'all') return true;
    const how = addressedAs(mail, this.#options.address);
    if (how === 'cc') return wake === 'to+cc';
    return true;
  }

  async #overDailyBudget(root: string): Promise<boolean> {
    const startOfDay = new Date();
    startOfDay.setUTCHours(0, 0, 0, 0);
    const sentToday = await searchUids(this.#connection.client, this.#folders!.sent, { since: startOfDay, header: { references: root } });
    return sentToday.length >= this.#options.definition.budgets.maxTurnsPerThreadPerDay;
  }

  #emitState(): void {
    this.emit('state-changed', { agent: this.name, state: this.state() });
  }
}
