// Turns live view events into the lines `mailswarm tail` prints: one per message, replies indented under
// their parent (by In-Reply-To, RFC 5322 §3.6.4), addresses of the swarm's own domain shortened to names:
//   23:41:02  human → builder (cc reviewer)  Add a /health endpoint
//   23:41:09    builder → human (cc reviewer)  Re: Add a /health endpoint
import type { AgentStateEvent, LiveEvent, MessageEvent } from './live-view-types.ts';

const INDENT = '  ';
const MAX_DEPTH = 12;
/** Depths remembered per Message-ID; the oldest are forgotten first. */
const REMEMBERED = 20_000;

export class TailFormatter {
  readonly #domain: string;
  readonly #depthOf = new Map<string, number>();
  readonly #threads = new Set<string>();
  /** Last printed "state tokens" per agent: the runtime reports one change through several events. */
  readonly #lastState = new Map<string, string>();
  readonly #timeZone: string | undefined;

  constructor(options: { domain: string; timeZone?: string }) {
    this.#domain = options.domain.toLowerCase();
    this.#timeZone = options.timeZone;
  }

  /** The line for an event, or undefined when the event is not shown (agent states unless asked for). */
  format(event: LiveEvent, options: { states: boolean } = { states: false }): string | undefined {
    if (event.type === 'message') return this.#formatMessage(event);
    return options.states ? this.#formatState(event) : undefined;
  }

  #formatMessage(message: MessageEvent): string {
    const depth = this.#depth(message);
    this.#depthOf.set(message.messageId, depth);
    if (this.#depthOf.size > REMEMBERED) this.#depthOf.delete(this.#depthOf.keys().next().value!);
    this.#threads.add(message.threadId);
    const copies = message.cc.length > 0 ? ` (cc ${message.cc.map((address) => this.#name(address)).join(', ')})` : '';
    const route = `${this.#name(message.from) || '(no sender)'} → ${message.to.map((address) => this.#name(address)).join(', ') || '(no To)'}${copies}`;
    return `${this.#clock(message.time)}  ${INDENT.repeat(depth)}${route}  ${oneLine(message.subject) || '(no subject)'}`;
  }

  #formatState(event: AgentStateEvent): string | undefined {
    const { agent } = event;
    const key = `${agent.state} ${agent.tokensToday.total}`;
    if (this.#lastState.get(agent.name) === key) return undefined;
    this.#lastState.set(agent.name, key);
    return `${this.#clock(event.time)}  [${agent.name} is ${agent.state}; ${agent.tokensToday.total} tokens today]`;
  }

  #depth(message: MessageEvent): number {
    const parentDepth = message.inReplyTo === null ? undefined : this.#depthOf.get(message.inReplyTo);
    if (parentDepth !== undefined) return Math.min(parentDepth + 1, MAX_DEPTH);
    // A reply whose parent we never saw still belongs under its thread when the thread is known.
    if (message.inReplyTo !== null && this.#threads.has(message.threadId)) return 1;
    return 0;
  }

  #name(address: string): string {
    return address.endsWith(`@${this.#domain}`) ? address.slice(0, -this.#domain.length - 1) : address;
  }

  #clock(iso: string): string {
    return new Date(iso).toLocaleTimeString('en-GB', { hour12: false, timeZone: this.#timeZone });
  }
}

/** Subjects are one line on the terminal: folded or control characters would break the layout. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}
