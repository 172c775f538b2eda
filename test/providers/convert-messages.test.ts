// The per-vendor message converters on conversations the round-trip test does not reach: tool errors,
// several calls in one turn, a user message after tool results, and content from another vendor.
import { describe, expect, it } from 'vitest';
import { convertToAnthropicMessages } from '../../src/providers/anthropic/convert-to-anthropic-messages.ts';
import { convertToGeminiContents, inventCallId } from '../../src/providers/gemini/convert-to-gemini-messages.ts';
import type { ChatMessage } from '../../src/providers/model.ts';
import { convertToOpenAiMessages } from '../../src/providers/openai/convert-to-openai-messages.ts';
import { tagProviderContent } from '../../src/providers/provider-content.ts';

const conversation: ChatMessage[] = [
  { role: 'user', content: 'task' },
  {
    role: 'assistant',
    text: 'Working on it.',
    toolCalls: [
      { id: 'call-a', name: 'reply', arguments: { body: 'hi' } },
      { id: 'call-b', name: 'search', arguments: { query: 'x' } },
    ],
  },
  {
    role: 'tool',
    results: [
      { callId: 'call-a', name: 'reply', content: 'sent' },
      { callId: 'call-b', name: 'search', content: 'no such mailbox', isError: true },
    ],
  },
  { role: 'user', content: 'a new mail arrived' },
];

describe('convertToAnthropicMessages', () => {
  it('puts tool results first in one user turn, then the new mail', () => {
    const converted = convertToAnthropicMessages(conversation);
    expect(converted).toHaveLength(3);
    expect(converted[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Working on it.' },
        { type: 'tool_use', id: 'call-a', name: 'reply', input: { body: 'hi' } },
        { type: 'tool_use', id: 'call-b', name: 'search', input: { query: 'x' } },
      ],
    });
    expect(converted[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'call-a', content: 'sent' },
        { type: 'tool_result', tool_use_id: 'call-b', content: 'no such mailbox', is_error: true },
        { type: 'text', text: 'a new mail arrived' },
      ],
    });
  });

  it("ignores another vendor's provider content and does not mutate its own", () => {
    const ownBlocks = [{ type: 'text', text: 'own' }];
    const foreign: ChatMessage = { role: 'assistant', text: 'portable', toolCalls: [], providerContent: tagProviderContent('gemini', { parts: [] }) };
    const own: ChatMessage = { role: 'assistant', text: 'ignored', toolCalls: [], providerContent: tagProviderContent('anthropic', ownBlocks) };
    const converted = convertToAnthropicMessages([{ role: 'user', content: 'q' }, foreign, { role: 'user', content: 'q2' }, own, own]);
    expect(converted[1]!.content).toEqual([{ type: 'text', text: 'portable' }]);
    expect(converted[3]!.content).toEqual([...ownBlocks, ...ownBlocks]);
    expect(ownBlocks).toHaveLength(1);
  });
});

describe('convertToOpenAiMessages', () => {
  it('sends one tool message per result and flags errors in the content', () => {
    const converted = convertToOpenAiMessages('sys', conversation);
    expect(converted.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'user']);
    expect(converted[3]).toEqual({ role: 'tool', tool_call_id: 'call-a', content: 'sent' });
    expect(converted[4]).toEqual({ role: 'tool', tool_call_id: 'call-b', content: 'Error: no such mailbox' });
  });

  it('leaves out an empty system prompt', () => {
    expect(convertToOpenAiMessages('', [{ role: 'user', content: 'q' }])).toEqual([{ role: 'user', content: 'q' }]);
  });
});

describe('convertToGeminiContents', () => {
  it('answers each call by name, reports errors under "error", and merges the new mail into the user turn', () => {
    const converted = convertToGeminiContents(conversation);
    expect(converted).toHaveLength(3);
    expect(converted[1]).toEqual({
      role: 'model',
      parts: [{ text: 'Working on it.' }, { functionCall: { name: 'reply', args: { body: 'hi' }, id: 'call-a' } }, { functionCall: { name: 'search', args: { query: 'x' }, id: 'call-b' } }],
    });
    expect(converted[2]).toEqual({
      role: 'user',
      parts: [
        { functionResponse: { name: 'reply', id: 'call-a', response: { output: 'sent' } } },
        { functionResponse: { name: 'search', id: 'call-b', response: { error: 'no such mailbox' } } },
        { text: 'a new mail arrived' },
      ],
    });
  });

  it('never sends an invented call id back', () => {
    const id = inventCallId(0, 'reply');
    const converted = convertToGeminiContents([
      { role: 'user', content: 'q' },
      { role: 'assistant', text: '', toolCalls: [{ id, name: 'reply', arguments: {} }] },
      { role: 'tool', results: [{ callId: id, name: 'reply', content: 'ok' }] },
    ]);
    expect(converted[1]!.parts).toEqual([{ functionCall: { name: 'reply', args: {} } }]);
    expect(converted[2]!.parts).toEqual([{ functionResponse: { name: 'reply', response: { output: 'ok' } } }]);
  });
});
