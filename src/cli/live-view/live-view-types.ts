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
  /** Tokens spent since 00:00 UTC today: the larger of this process's finished turns and the post office's
   *  durable count (which survives restarts), when the post office keeps one. */
  tokensToday: { input: number; output: number; total: number };
  /** Turns finished since 00:00 UTC today by this process. */
  turnsToday: number;
  /** Why the post office holds this agent's mail (a guard rail or a human paused it); null when it does not. */
  pausedReason: string | null;
}

/** What the post office's guard rails report (structurally GuardRails.status() of src/postoffice/guards). */
export interface GovernanceFacts {
  heldCount: number;
  pausedAgents: Array<{ agent: string; reason: string }>;
  tokensToday: Array<{ agent: string; inputTokens: number; outputTokens: number }>;
}

export interface StatusSnapshot {
  domain: string;
  /** ISO time the live view started (the `mailswarm up` process). */
  startedAt: string;
  postOffice: { host: string; ports: { imap: number; submission: number; smtp: number } };
  agents: AgentStatus[];
  /** Messages counted by the live view since it started (each Message-ID once). */
  messagesSeen: number;
  /** Mail held by the guard rails for a human's approval; absent when the post office has no guard rails. */
  heldMessages?: number;
  /** Projects and the sandbox of run_command / run_tests; absent when no agent works on a project. */
  code?: CodeFacts;
}

export interface CodeFacts {
  projects: Array<{ name: string; upstream: string }>;
  sandbox: { available: boolean; description: string };
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
