// The JSON the live view serves: `GET /api/status` (a StatusSnapshot) and the Server-Sent Events of
// `GET /api/events` (LiveEvent). Shared by the server, the web page's expectations, `mailswarm status` and
// `mailswarm tail`, so the wire format is defined once. Message events carry headers only, never bodies.
import type { AgentState } from '../../swarm/agent-runtime.ts';

export type { AgentState };

export interface AgentStatus {
  name: string;
  address: string;
  model: string;
  state: AgentState;
  /** ISO time of the agent's last turn, state change, skipped mail or mail it sent or received; null if none yet. */
  lastActivity: string | null;
  /** Tokens spent since 00:00 UTC today, summed from finished turns of this process. */
  tokensToday: { input: number; output: number; total: number };
  turnsToday: number;
}

export interface StatusSnapshot {
  domain: string;
  /** ISO time the live view started (the `mailswarm up` process). */
  startedAt: string;
  postOffice: { host: string; ports: { imap: number; submission: number; smtp: number } };
  agents: AgentStatus[];
  /** Messages counted by the live view since it started (each Message-ID once). */
  messagesSeen: number;
  /** Mail held by the guard rails for a human's approval; absent until the guard rails exist. */
  heldMessages?: number;
}

/** One message flowing through the swarm, from its headers (addresses lower-case, Message-IDs with <>). */
export interface MessageEvent {
  type: 'message';
  /** Sequence number of the event within this live view (the SSE id). */
  sequence: number;
  /** ISO time: the Date header when it parses, else when the store received it. */
  time: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  threadId: string;
  messageId: string;
  inReplyTo: string | null;
}

export interface AgentStateEvent {
  type: 'agent-state';
  sequence: number;
  time: string;
  agent: AgentStatus;
}

export type LiveEvent = MessageEvent | AgentStateEvent;

/** SSE event names, one per LiveEvent type (EventSource listeners subscribe by these names). */
export const LIVE_EVENT_NAMES = ['message', 'agent-state'] as const;
