// Pure formatting of `mailswarm tail` lines: time, route with own-domain names shortened, cc, subject, and
// replies indented under their parent by In-Reply-To.
import { describe, expect, it } from 'vitest';
import type { AgentStateEvent, MessageEvent } from '../../src/cli/live-view/live-view-types.ts';
import { TailFormatter } from '../../src/cli/live-view/tail-formatter.ts';

let sequence = 0;
function message(fields: Partial<MessageEvent> & Pick<MessageEvent, 'from' | 'to' | 'subject' | 'messageId'>): MessageEvent {
  return { type: 'message', sequence: ++sequence, time: '2026-12-01T23:41:02Z', cc: [], threadId: fields.messageId, inReplyTo: null, ...fields };
}

describe('TailFormatter', () => {
  it('prints one line per message and indents replies under their parent', () => {
    const formatter = new TailFormatter({ domain: 'swarm.local', timeZone: 'UTC' });
    const task = message({ from: 'human@swarm.local', to: ['builder@swarm.local'], cc: ['reviewer@swarm.local'], subject: 'Add a /health endpoint', messageId: '<a@x>' });
    const reply = message({ from: 'builder@swarm.local', to: ['reviewer@swarm.local'], cc: ['human@swarm.local'], subject: 'Re: Add a /health endpoint', messageId: '<b@x>', inReplyTo: '<a@x>', threadId: '<a@x>', time: '2026-12-01T23:41:09Z' });
    const review = message({ from: 'reviewer@swarm.local', to: ['builder@swarm.local'], subject: 'Re: Add a /health endpoint', messageId: '<c@x>', inReplyTo: '<b@x>', threadId: '<a@x>' });
    const outside = message({ from: 'boss@example.org', to: ['builder@swarm.local'], subject: 'Hi\r\n there', messageId: '<d@x>' });
    expect(formatter.format(task)).toBe('23:41:02  human → builder (cc reviewer)  Add a /health endpoint');
    expect(formatter.format(reply)).toBe('23:41:09    builder → reviewer (cc human)  Re: Add a /health endpoint');
    expect(formatter.format(review)).toBe('23:41:02      reviewer → builder  Re: Add a /health endpoint');
    expect(formatter.format(outside)).toBe('23:41:02  boss@example.org → builder  Hi there');
  });

  it('puts a reply whose parent it never saw one level under its known thread', () => {
    const formatter = new TailFormatter({ domain: 'swarm.local', timeZone: 'UTC' });
    formatter.format(message({ from: 'human@swarm.local', to: ['builder@swarm.local'], subject: 'Task', messageId: '<root@x>' }));
    const orphan = message({ from: 'builder@swarm.local', to: ['human@swarm.local'], subject: 'Re: Task', messageId: '<late@x>', inReplyTo: '<missing@x>', threadId: '<root@x>' });
    expect(formatter.format(orphan)).toBe('23:41:02    builder → human  Re: Task');
  });

  it('prints agent states only when asked, once per change', () => {
    const formatter = new TailFormatter({ domain: 'swarm.local', timeZone: 'UTC' });
    const state = (value: 'idle' | 'thinking', total: number): AgentStateEvent => ({
      type: 'agent-state',
      sequence: ++sequence,
      time: '2026-12-01T23:41:02Z',
      agent: { name: 'builder', address: 'builder@swarm.local', model: 'offline', state: value, lastActivity: null, tokensToday: { input: total, output: 0, total }, turnsToday: 0, pausedReason: null },
    });
    expect(formatter.format(state('thinking', 0))).toBeUndefined();
    expect(formatter.format(state('thinking', 0), { states: true })).toBe('23:41:02  [builder is thinking; 0 tokens today]');
    expect(formatter.format(state('thinking', 0), { states: true })).toBeUndefined();
    expect(formatter.format(state('idle', 1200), { states: true })).toBe('23:41:02  [builder is idle; 1200 tokens today]');
  });
});
