// What the live view knows about the running swarm: each agent's state, last activity and tokens spent
// today (from the swarm runtime's events), and the messages seen flowing between mailboxes (from the
// delivery watcher). Keeps a bounded backlog of LiveEvents so a page or `mailswarm tail` that connects later
// (or reconnects with Last-Event-ID, per the SSE spec) can catch up; emits 'event' for each new one.
// When the post office has guard rails, their held-mail count, pauses and durable token counts join in.
import { EventEmitter } from 'node:events';
import type { Swarm } from '../../swarm/swarm-runtime.ts';
import type { DeliveredMail } from './delivery-watcher.ts';
import type { AgentStatus, CodeFacts, GovernanceFacts, LiveEvent, MessageEvent, StatusSnapshot } from './live-view-types.ts';

interface AgentRecord {
  name: string;
  address: string;
  model: string;
  state: AgentStatus['state'];
  lastActivity: Date | undefined;
  /** UTC day (YYYY-MM-DD) the counters below belong to. */
  day: string;
  inputTokens: number;
  outputTokens: number;
  turns: number;
}

export interface SwarmActivityOptions {
  domain: string;
  postOffice: StatusSnapshot['postOffice'];
  /** Events kept for late subscribers. */
  backlogSize?: number;
  now?: () => Date;
  /** The guard rails' view (held mail, paused agents, durable token counts), read on each status. */
  governance?: (() => GovernanceFacts | undefined) | undefined;
  /** Projects and sandbox, fixed for the life of the process. */
  code?: CodeFacts | undefined;
}

/** Thread ids remembered per Message-ID, so a reply joins its parent's thread even with short References. */
const REMEMBERED_THREADS = 20_000;

export class SwarmActivity extends EventEmitter<{ event: [LiveEvent] }> {
  readonly #options: SwarmActivityOptions;
  readonly #agents = new Map<string, AgentRecord>();
  readonly #byAddress = new Map<string, AgentRecord>();
  readonly #backlog: LiveEvent[] = [];
  readonly #threadOf = new Map<string, string>();
  readonly #startedAt: Date;
  #sequence = 0;
  #messagesSeen = 0;
  #swarm: Swarm | undefined;
  #detach: (() => void) | undefined;

  constructor(options: SwarmActivityOptions) {
    super();
    this.#options = options;
    this.#startedAt = this.#now();
  }

  /** Follows the swarm's agents; their current state is taken at once, later changes from its events. */
  attachSwarm(swarm: Swarm): void {
    this.#swarm = swarm;
    for (const handle of swarm.agents) {
      const record: AgentRecord = { name: handle.name, address: handle.address, model: handle.modelId, state: handle.state(), lastActivity: undefined, day: this.#today(), inputTokens: 0, outputTokens: 0, turns: 0 };
      this.#agents.set(handle.name, record);
      this.#byAddress.set(handle.address, record);
    }
    const onState = (change: { agent: string; state: AgentStatus['state'] }) => this.#touch(change.agent, (record) => (record.state = change.state));
    const onStarted = (event: { agent: string }) => this.#touch(event.agent, () => undefined);
    const onFinished = (event: { agent: string; usage: { inputTokens: number; outputTokens: number } }) =>
      this.#touch(event.agent, (record) => {
        record.inputTokens += event.usage.inputTokens;
        record.outputTokens += event.usage.outputTokens;
        record.turns += 1;
      });
    const onSkipped = (event: { agent: string }) => this.#touch(event.agent, () => undefined);
    swarm.on('state-changed', onState).on('turn-started', onStarted).on('turn-finished', onFinished).on('mail-skipped', onSkipped);
    this.#detach = () => {
      swarm.off('state-changed', onState).off('turn-started', onStarted).off('turn-finished', onFinished).off('mail-skipped', onSkipped);
    };
  }

  detach(): void {
    this.#detach?.();
    this.#detach = undefined;
  }

  recordMail(mail: DeliveredMail): void {
    const { summary } = mail;
    const messageId = summary.messageId ?? `<no-message-id.${this.#sequence + 1}@mailswarm.invalid>`;
    const parentThread = summary.inReplyTo === undefined ? undefined : this.#threadOf.get(summary.inReplyTo);
    const threadId = parentThread ?? summary.references[0] ?? summary.inReplyTo ?? messageId;
    this.#threadOf.set(messageId, threadId);
    if (this.#threadOf.size > REMEMBERED_THREADS) this.#threadOf.delete(this.#threadOf.keys().next().value!);
    this.#messagesSeen += 1;
    const event: MessageEvent = {
      type: 'message',
      sequence: ++this.#sequence,
      time: (summary.date ?? mail.receivedAt).toISOString(),
      from: summary.from,
      to: summary.to,
      cc: summary.cc,
      subject: summary.subject,
      threadId,
      messageId,
      inReplyTo: summary.inReplyTo ?? null,
    };
    this.#publish(event);
    // Mail an agent sent or received is activity of that agent, but not a state change worth an event.
    for (const address of [summary.from, ...summary.to, ...summary.cc]) {
      const record = this.#byAddress.get(address);
      if (record) record.lastActivity = mail.receivedAt;
    }
  }

  snapshot(): StatusSnapshot {
    const governance = this.#options.governance?.();
    return {
      domain: this.#options.domain,
      startedAt: this.#startedAt.toISOString(),
      postOffice: this.#options.postOffice,
      agents: [...this.#agents.values()].map((record) => this.#status(record, governance)),
      messagesSeen: this.#messagesSeen,
      ...(governance ? { heldMessages: governance.heldCount } : {}),
      ...(this.#options.code ? { code: this.#options.code } : {}),
    };
  }

  /** Sequence number of the newest event (0 before the first). */
  get latestSequence(): number {
    return this.#sequence;
  }

  /** Backlog events with a sequence above `sequence` (an SSE client resuming with Last-Event-ID). */
  eventsAfter(sequence: number): LiveEvent[] {
    return this.#backlog.filter((event) => event.sequence > sequence);
  }

  /** The last `count` message events of the backlog (what a new client sees first). */
  recentMessages(count: number): LiveEvent[] {
    return count <= 0 ? [] : this.#backlog.filter((event) => event.type === 'message').slice(-count);
  }

  #touch(agentName: string, change: (record: AgentRecord) => void): void {
    const record = this.#agents.get(agentName);
    if (!record) return;
    this.#rollDay(record);
    change(record);
    // The runtime is the truth for the state; events only tell us when to look.
    record.state = this.#swarm?.agents.find((handle) => handle.name === agentName)?.state() ?? record.state;
    record.lastActivity = this.#now();
    this.#publish({ type: 'agent-state', sequence: ++this.#sequence, time: record.lastActivity.toISOString(), agent: this.#status(record, this.#options.governance?.()) });
  }

  #status(record: AgentRecord, governance: GovernanceFacts | undefined): AgentStatus {
    this.#rollDay(record);
    // The guard rails name agents by name or address; either identifies the record.
    const isThisAgent = (agent: string) => [record.name, record.address].includes(agent.toLowerCase());
    const pause = governance?.pausedAgents.find((entry) => isThisAgent(entry.agent));
    const durable = governance?.tokensToday.find((entry) => isThisAgent(entry.agent));
    const runtimeTotal = record.inputTokens + record.outputTokens;
    const durableTotal = durable ? durable.inputTokens + durable.outputTokens : 0;
    // The runtime sees every turn of this process; the post office's count survives restarts. Show the larger.
    const tokens = durable && durableTotal > runtimeTotal ? { input: durable.inputTokens, output: durable.outputTokens } : { input: record.inputTokens, output: record.outputTokens };
    return {
      name: record.name,
      address: record.address,
      model: record.model,
      state: pause ? 'paused' : record.state,
      lastActivity: record.lastActivity?.toISOString() ?? null,
      tokensToday: { ...tokens, total: tokens.input + tokens.output },
      turnsToday: record.turns,
      pausedReason: pause?.reason ?? null,
    };
  }

  #rollDay(record: AgentRecord): void {
    const today = this.#today();
    if (record.day === today) return;
    record.day = today;
    record.inputTokens = 0;
    record.outputTokens = 0;
    record.turns = 0;
  }

  #publish(event: LiveEvent): void {
    this.#backlog.push(event);
    if (this.#backlog.length > (this.#options.backlogSize ?? 1000)) this.#backlog.shift();
    this.emit('event', event);
  }

  #today(): string {
    return this.#now().toISOString().slice(0, 10);
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }
}
