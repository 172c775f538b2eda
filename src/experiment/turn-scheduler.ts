// Drives a running swarm until it has nothing left to do, and decides whose turn it is. An agent has work
// while its INBOX holds mail without the runtime's processed keyword ($MailswarmDone, mailbox-operations.ts);
// the swarm is quiet when no agent has such mail and none is thinking. Everything is watched through the
// store's change events and the swarm's events: no polling.
//   - 'serial' (default): one agent at a time, round robin in the team's order, each resumed until its INBOX
//     is done. Mail that arrives for the others meanwhile waits and is read together at their next turn, so
//     which mail a turn sees, and hence the whole run, is the same every time: scripted and replayed runs
//     reproduce exactly. Agents still meet only by mail; only the interleaving of their turns is fixed.
//   - 'free': every agent runs as `mailswarm up` runs it; turns overlap as wall-clock timing makes them.
// A run also ends at its deadline, or once the agents' tokens (summed from finished turns) pass the budget.
import type { MailStoreApi } from '../postoffice/store/store-types.ts';
import type { TurnFinishedEvent } from '../swarm/agent-runtime.ts';
import type { Swarm, SwarmAgentHandle } from '../swarm/swarm-runtime.ts';

export type Schedule = 'serial' | 'free';
export type RunEnd = 'quiet' | 'timeout' | 'token-budget';

const processedKeyword = '$MailswarmDone';
const retryKeywordPrefix = '$MailswarmRetry';

export interface SchedulerOptions {
  swarm: Swarm;
  store: MailStoreApi;
  schedule: Schedule;
  /** Epoch milliseconds. */
  deadline: number;
  tokenBudget: number;
}

export class TurnScheduler {
  readonly turns: TurnFinishedEvent[] = [];
  readonly #options: SchedulerOptions;
  readonly #agents: SwarmAgentHandle[];
  #tokens = 0;
  #wakeUp: (() => void) | undefined;
  readonly #unsubscribers: Array<() => void> = [];

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#agents = options.swarm.agents;
    // Before any agent's IMAP connection is up: nothing can have run yet.
    if (options.schedule === 'serial') for (const agent of this.#agents) agent.pause();
    const changed = () => this.#wakeUp?.();
    const onTurn = (event: TurnFinishedEvent) => {
      this.turns.push(event);
      this.#tokens += event.usage.inputTokens + event.usage.outputTokens;
      changed();
    };
    options.swarm.on('turn-finished', onTurn).on('state-changed', changed);
    this.#unsubscribers.push(() => options.swarm.off('turn-finished', onTurn).off('state-changed', changed));
    for (const agent of this.#agents) {
      const inbox = options.store.getMailbox(agent.address, 'INBOX');
      if (!inbox) throw new Error(`the post office has no INBOX for ${agent.address}`);
      this.#unsubscribers.push(options.store.subscribe(inbox.id, changed));
    }
  }

  get tokens(): number {
    return this.#tokens;
  }

  async run(): Promise<RunEnd> {
    try {
      return this.#options.schedule === 'serial' ? await this.#runSerially() : await this.#runFree();
    } finally {
      for (const unsubscribe of this.#unsubscribers.splice(0)) unsubscribe();
    }
  }

  async #runSerially(): Promise<RunEnd> {
    let cursor = 0;
    for (;;) {
      const limit = this.#limitReached();
      if (limit) return limit;
      const pending = this.#agents.map((agent, index) => ({ agent, index })).filter(({ agent }) => this.#work(agent).fresh > 0);
      if (pending.length === 0) {
        if (this.#agents.some((agent) => agent.state() === 'thinking')) {
          await this.#nextChange();
          continue;
        }
        // Only mail whose model call failed and waits for its retry is left: let those agents retry freely.
        const retrying = this.#agents.filter((agent) => this.#work(agent).retrying > 0);
        if (retrying.length === 0) return 'quiet';
        for (const agent of retrying) agent.resume();
        await this.#nextChange();
        for (const agent of retrying) agent.pause();
        continue;
      }
      const next = pending.find(({ index }) => index >= cursor) ?? pending[0]!;
      cursor = next.index + 1;
      next.agent.resume();
      try {
        for (;;) {
          const stop = this.#limitReached();
          if (stop) return stop;
          if (this.#work(next.agent).fresh === 0 && next.agent.state() !== 'thinking') break;
          await this.#nextChange();
        }
      } finally {
        next.agent.pause();
      }
    }
  }

  async #runFree(): Promise<RunEnd> {
    for (const agent of this.#agents) agent.resume();
    for (;;) {
      const limit = this.#limitReached();
      if (limit) return limit;
      const busy = this.#agents.some((agent) => agent.state() === 'thinking' || this.#work(agent).fresh > 0 || this.#work(agent).retrying > 0);
      if (!busy) return 'quiet';
      await this.#nextChange();
    }
  }

  #limitReached(): RunEnd | undefined {
    if (Date.now() >= this.#options.deadline) return 'timeout';
    if (this.#tokens > this.#options.tokenBudget) return 'token-budget';
    return undefined;
  }

  /** INBOX mail the agent has not processed: fresh, or waiting for a retry after a failed model call. */
  #work(agent: SwarmAgentHandle): { fresh: number; retrying: number } {
    const inbox = this.#options.store.getMailbox(agent.address, 'INBOX');
    if (!inbox) return { fresh: 0, retrying: 0 };
    let fresh = 0;
    let retrying = 0;
    for (const message of this.#options.store.listMessages(inbox.id)) {
      if (message.flags.includes(processedKeyword)) continue;
      if (message.flags.some((flag) => flag.startsWith(retryKeywordPrefix))) retrying++;
      else fresh++;
    }
    return { fresh, retrying };
  }

  /** Resolves at the next store or swarm event, or at the deadline. */
  #nextChange(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.max(0, this.#options.deadline - Date.now()));
      const self = this;
      function done(): void {
        clearTimeout(timer);
        if (self.#wakeUp === done) self.#wakeUp = undefined;
        resolve();
      }
      this.#wakeUp = done;
    });
  }
}
