// SwarmActivity, the live view's model: agent state and tokens from the swarm's events (reset at 00:00 UTC),
// the guard rails' pauses, held count and durable token counts, thread ids for replies, and the backlog.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { GovernanceFacts, LiveEvent } from '../../src/cli/live-view/live-view-types.ts';
import { SwarmActivity } from '../../src/cli/live-view/swarm-activity.ts';
import type { AgentState } from '../../src/swarm/agent-runtime.ts';
import type { Swarm } from '../../src/swarm/swarm-runtime.ts';

function fakeSwarm(names: string[]): Swarm & { emitter: EventEmitter; states: Map<string, AgentState> } {
  const emitter = new EventEmitter();
  const states = new Map<string, AgentState>(names.map((name) => [name, 'idle']));
  const swarm = {
    emitter,
    states,
    agents: names.map((name) => ({ name, address: `${name}@swarm.local`, modelId: 'offline', state: () => states.get(name)!, pause: () => undefined, resume: () => undefined })),
    on: (event: string, listener: (...args: unknown[]) => void) => (emitter.on(event, listener), swarm),
    once: (event: string, listener: (...args: unknown[]) => void) => (emitter.once(event, listener), swarm),
    off: (event: string, listener: (...args: unknown[]) => void) => (emitter.off(event, listener), swarm),
    stop: async () => undefined,
  };
  return swarm as unknown as Swarm & { emitter: EventEmitter; states: Map<string, AgentState> };
}

const postOffice = { host: '127.0.0.1', ports: { imap: 1143, submission: 1587, smtp: 2525 } };
const summary = (fields: Partial<{ messageId: string; inReplyTo: string; references: string[] }>) => ({
  from: 'human@swarm.local',
  to: ['builder@swarm.local'],
  cc: [],
  subject: 'Task',
  date: undefined,
  messageId: fields.messageId,
  inReplyTo: fields.inReplyTo,
  references: fields.references ?? [],
});

describe('SwarmActivity', () => {
  it('follows states and tokens from the swarm events and starts a new count each UTC day', () => {
    let now = new Date('2026-12-01T23:59:00Z');
    const activity = new SwarmActivity({ domain: 'swarm.local', postOffice, now: () => now });
    const swarm = fakeSwarm(['builder']);
    activity.attachSwarm(swarm);
    const events: LiveEvent[] = [];
    activity.on('event', (event) => events.push(event));
    swarm.states.set('builder', 'thinking');
    swarm.emitter.emit('state-changed', { agent: 'builder', state: 'thinking' });
    swarm.states.set('builder', 'idle');
    swarm.emitter.emit('turn-finished', { agent: 'builder', usage: { inputTokens: 900, outputTokens: 100 } });
    const builder = activity.snapshot().agents[0]!;
    expect(builder).toMatchObject({ state: 'idle', tokensToday: { input: 900, output: 100, total: 1000 }, turnsToday: 1, pausedReason: null, lastActivity: now.toISOString() });
    expect(events.map((event) => event.type === 'agent-state' && event.agent.state)).toEqual(['thinking', 'idle']);
    now = new Date('2026-12-02T00:00:01Z');
    expect(activity.snapshot().agents[0]!.tokensToday.total).toBe(0);
    activity.detach();
    expect(swarm.emitter.listenerCount('turn-finished')).toBe(0);
  });

  it('shows guard-rail pauses, the held count and the larger of the two token counts', () => {
    let governance: GovernanceFacts = { heldCount: 2, pausedAgents: [{ agent: 'builder@swarm.local', reason: 'loop guard: 12 replies in 10 minutes' }], tokensToday: [{ agent: 'builder', inputTokens: 4000, outputTokens: 1000 }] };
    const activity = new SwarmActivity({ domain: 'swarm.local', postOffice, governance: () => governance });
    const swarm = fakeSwarm(['builder', 'reviewer']);
    activity.attachSwarm(swarm);
    swarm.emitter.emit('turn-finished', { agent: 'builder', usage: { inputTokens: 10, outputTokens: 5 } });
    const snapshot = activity.snapshot();
    expect(snapshot.heldMessages).toBe(2);
    expect(snapshot.agents[0]).toMatchObject({ name: 'builder', state: 'paused', pausedReason: 'loop guard: 12 replies in 10 minutes', tokensToday: { input: 4000, output: 1000, total: 5000 } });
    expect(snapshot.agents[1]).toMatchObject({ name: 'reviewer', state: 'idle', pausedReason: null });
    governance = { heldCount: 0, pausedAgents: [], tokensToday: [] };
    expect(activity.snapshot().agents[0]).toMatchObject({ state: 'idle', tokensToday: { total: 15 } });
    expect(new SwarmActivity({ domain: 'swarm.local', postOffice }).snapshot().heldMessages).toBeUndefined();
  });

  it('puts a reply in its parent thread and keeps a bounded backlog for late subscribers', () => {
    const activity = new SwarmActivity({ domain: 'swarm.local', postOffice, backlogSize: 3 });
    const receivedAt = new Date('2026-12-01T23:41:02Z');
    activity.recordMail({ summary: summary({ messageId: '<root@x>' }), receivedAt });
    // The reply's References were trimmed to its parent only: the thread still resolves to the root.
    activity.recordMail({ summary: summary({ messageId: '<reply@x>', inReplyTo: '<root@x>', references: ['<root@x>'] }), receivedAt });
    activity.recordMail({ summary: summary({ messageId: '<second@x>', inReplyTo: '<reply@x>', references: ['<reply@x>'] }), receivedAt });
    activity.recordMail({ summary: summary({ messageId: '<other@x>' }), receivedAt });
    const recent = activity.recentMessages(10);
    expect(recent.map((event) => event.type === 'message' && [event.messageId, event.threadId])).toEqual([
      ['<reply@x>', '<root@x>'],
      ['<second@x>', '<root@x>'],
      ['<other@x>', '<other@x>'],
    ]);
    expect(activity.eventsAfter(3).map((event) => event.sequence)).toEqual([4]);
    expect(activity.latestSequence).toBe(4);
    expect(activity.snapshot().messagesSeen).toBe(4);
  });
});
