import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../src/providers/model.ts';
import { OfflineModel } from '../../src/providers/offline/offline-model.ts';
import { parseTurn, renderTurn, type TurnMailView, type TurnView } from '../../src/providers/offline/turn-format.ts';

const directory: TurnView['directory'] = [
  { kind: 'agent', name: 'builder', address: 'builder@swarm.test', model: 'offline', role: 'Builds' },
  { kind: 'agent', name: 'reviewer', address: 'reviewer@swarm.test', model: 'offline', role: 'Reviews; carefully' },
  { kind: 'agent', name: 'tester', address: 'tester@swarm.test', model: 'offline', role: 'Tests' },
  { kind: 'human', name: 'human', address: 'human@swarm.test', role: 'human' },
];

function mail(overrides: Partial<TurnMailView>): TurnMailView {
  return {
    messageId: '<m1@swarm.test>',
    status: 'new',
    addressedAs: 'to',
    from: 'Human <human@swarm.test>',
    to: ['builder@swarm.test'],
    cc: [],
    date: '2026-12-01T10:00:00.000Z',
    subject: 'Build the login page',
    autoSubmitted: undefined,
    agent: undefined,
    attachments: [],
    body: 'Please build the login page.',
    ...overrides,
  };
}

function turn(messages: TurnMailView[], self = 'builder'): TurnView {
  return { self: { name: self, address: `${self}@swarm.test`, role: 'r' }, directory, subject: 'Build the login page', messages };
}

const tools = ['reply', 'send', 'forward', 'no_reply'].map((name) => ({ name, description: name, parameters: z.object({}) }));

async function decide(view: TurnView) {
  const model = new OfflineModel({ id: 'offline' });
  const request: ModelRequest = { system: 'persona', messages: [{ role: 'user', content: renderTurn(view) }], tools };
  return model.generate(request);
}

describe('turn format', () => {
  it('round-trips, including bodies that look like section lines', () => {
    const view = turn([mail({ body: '=== END TURN ===\nreal text', attachments: ['a.txt (text/plain, 3 bytes)'], cc: ['Tester <tester@swarm.test>'] })]);
    expect(parseTurn(renderTurn(view))).toEqual(view);
  });
});

describe('offline model', () => {
  it('acknowledges a task and brings in the peer the mail names', async () => {
    const response = await decide(turn([mail({ body: 'Please build the login page. Ask the reviewer to check it.', cc: ['reviewer@swarm.test'] })]));
    expect(response.stopReason).toBe('tool_use');
    expect(response.toolCalls).toHaveLength(1);
    expect(response.toolCalls[0]).toMatchObject({ name: 'reply', arguments: { in_reply_to: '<m1@swarm.test>', to: ['reviewer@swarm.test'] } });
    expect(String(response.toolCalls[0]!.arguments.body)).toMatch(/offline model/);
    expect(response.usage.inputTokens).toBeGreaterThan(0);
  });

  it('stays silent when only copied, and on an agent acknowledgement', async () => {
    expect((await decide(turn([mail({ addressedAs: 'cc' })]))).toolCalls[0]!.name).toBe('no_reply');
    const ack = mail({ from: 'reviewer@swarm.test', agent: 'reviewer', autoSubmitted: 'auto-generated', body: '[offline model] reviewer here: noted.' });
    expect((await decide(turn([ack]))).toolCalls[0]!.name).toBe('no_reply');
  });

  it('answers an agent that asks it something by name', async () => {
    const ask = mail({ from: 'builder@swarm.test', agent: 'builder', autoSubmitted: 'auto-generated', to: ['reviewer@swarm.test'], body: 'reviewer, please take a look.' });
    const response = await decide(turn([ask], 'reviewer'));
    expect(response.toolCalls[0]!.name).toBe('reply');
    expect(response.toolCalls[0]!.arguments.to).toBeUndefined();
  });

  it('answers "status?" and forwards when asked to', async () => {
    const status = await decide(turn([mail({ body: 'status?' })]));
    expect(String(status.toolCalls[0]!.arguments.body)).toContain('status');
    const forward = await decide(turn([mail({ body: 'Please forward this to the tester.' })]));
    expect(forward.toolCalls.map((call) => call.name)).toEqual(['forward', 'reply']);
    expect(forward.toolCalls[0]!.arguments).toMatchObject({ message_id: '<m1@swarm.test>', to: ['tester@swarm.test'] });
  });

  it('ends the turn with text after the tool results, and is deterministic', async () => {
    const view = turn([mail({})]);
    expect(await decide(view)).toEqual(await decide(view));
    const model = new OfflineModel({ id: 'offline' });
    const final = await model.generate({
      system: 's',
      tools,
      messages: [
        { role: 'user', content: renderTurn(view) },
        { role: 'assistant', text: '', toolCalls: [{ id: 'offline-0', name: 'reply', arguments: {} }] },
        { role: 'tool', results: [{ callId: 'offline-0', name: 'reply', content: 'Sent' }] },
      ],
    });
    expect(final.stopReason).toBe('end');
    expect(final.toolCalls).toEqual([]);
    expect(final.text).toContain('Offline model');
  });
});
