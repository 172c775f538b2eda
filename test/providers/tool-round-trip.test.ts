// Acceptance 1 of issue 5: for each vendor the real SDK does a full tool round trip against a fake server
// speaking that vendor's wire format, and the fake checks what the SDK sent (system prompt placement,
// tool schema, tool result linkage, Gemini's own content kept), and usage is parsed.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createModel } from '../../src/providers/create-model.ts';
import type { ChatMessage, LanguageModel, ModelRequest } from '../../src/providers/model.ts';
import { startFakeAnthropicServer } from './fakes/anthropic-fake-server.ts';
import { replyThenFinish, type FakeServer, type FakeServerOptions, type FakeStep } from './fakes/fake-http-server.ts';
import { FAKE_THOUGHT_SIGNATURE, startFakeGeminiServer } from './fakes/gemini-fake-server.ts';
import { startFakeOpenAiServer } from './fakes/openai-fake-server.ts';

const SYSTEM = 'You are alice@swarm.local. Answer mail with the reply tool.';
const TASK = 'From bob: please summarise the meeting.';
const REPLY_ARGUMENTS = { body: 'Hi Bob, here is the summary.' };
const TOOL_OUTPUT = 'sent as <reply-1@swarm.local>';

const replyTool = {
  name: 'reply',
  description: 'Reply to the current thread.',
  parameters: z.object({ body: z.string().describe('the reply text'), cc: z.array(z.string()).optional() }),
};

const SCRIPT: FakeStep[] = [
  { kind: 'tool_call', name: 'reply', arguments: REPLY_ARGUMENTS, usage: { inputTokens: 120, outputTokens: 30 } },
  { kind: 'text', text: 'Replied to Bob.', usage: { inputTokens: 170, outputTokens: 5 } },
];

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Runs model → reply tool → tool result → final text, returning the conversation and both responses. */
async function runRoundTrip(model: LanguageModel) {
  const messages: ChatMessage[] = [{ role: 'user', content: TASK }];
  const request = (): ModelRequest => ({ system: SYSTEM, messages, tools: [replyTool], maxOutputTokens: 1000 });
  const first = await model.generate(request());
  expect(first.stopReason).toBe('tool_use');
  expect(first.toolCalls).toHaveLength(1);
  expect(first.toolCalls[0]).toMatchObject({ name: 'reply', arguments: REPLY_ARGUMENTS });
  expect(first.usage).toEqual({ inputTokens: 120, outputTokens: 30 });
  const call = first.toolCalls[0]!;
  messages.push(first.message, { role: 'tool', results: [{ callId: call.id, name: call.name, content: TOOL_OUTPUT }] });
  const second = await model.generate(request());
  expect(second.stopReason).toBe('end');
  expect(second.text).toBe('Replied to Bob.');
  expect(second.toolCalls).toEqual([]);
  expect(second.usage).toEqual({ inputTokens: 170, outputTokens: 5 });
  return { first, second, callId: call.id };
}

describe('tool round trip through the real SDKs', () => {
  it('anthropic: system top-level, input_schema, tool_result linked by tool_use_id', async () => {
    const fake = await startFakeAnthropicServer({ script: [...SCRIPT], apiKey: 'sk-ant-test' });
    servers.push(fake);
    const { model } = createModel('anthropic:claude-sonnet-5-5', {
      env: { ANTHROPIC_API_KEY: 'sk-ant-test' },
      baseURL: fake.baseURL,
      allowOfflineFallback: false,
    });
    expect(model.id).toBe('anthropic:claude-sonnet-5-5');
    const { callId } = await runRoundTrip(model);

    expect(fake.requests).toHaveLength(2);
    const [firstRequest, secondRequest] = fake.requests;
    // @anthropic-ai/sdk 1.x sends the API key as a Bearer token rather than x-api-key.
    expect(firstRequest!.headers['x-api-key'] ?? firstRequest!.headers.authorization).toMatch(/^(Bearer )?sk-ant-test$/);
    expect(firstRequest!.headers['anthropic-version']).toBeTypeOf('string');
    expect(firstRequest!.body).toMatchObject({
      model: 'claude-sonnet-5-5',
      max_tokens: 1000,
      system: SYSTEM,
      messages: [{ role: 'user', content: [{ type: 'text', text: TASK }] }],
      tools: [
        {
          name: 'reply',
          description: 'Reply to the current thread.',
          input_schema: { type: 'object', properties: { body: { type: 'string', description: 'the reply text' } }, required: ['body'] },
        },
      ],
    });
    expect(firstRequest!.body.messages.some((message: { role: string }) => message.role === 'system')).toBe(false);
    expect(callId).toBe('toolu_fake_1');
    expect(secondRequest!.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: TASK }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_fake_1', name: 'reply', input: REPLY_ARGUMENTS }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_fake_1', content: TOOL_OUTPUT }] },
    ]);
  });

  it('openai: system message first, function tool, tool message linked by tool_call_id', async () => {
    const fake = await startFakeOpenAiServer({ script: [...SCRIPT], apiKey: 'sk-openai-test' });
    servers.push(fake);
    const { model } = createModel('openai:gpt-6.2-astra', {
      env: { OPENAI_API_KEY: 'sk-openai-test' },
      baseURL: fake.baseURL,
      allowOfflineFallback: false,
    });
    const { callId } = await runRoundTrip(model);

    const [firstRequest, secondRequest] = fake.requests;
    expect(firstRequest!.path).toBe('/v1/chat/completions');
    expect(firstRequest!.headers.authorization).toBe('Bearer sk-openai-test');
    expect(firstRequest!.body).toMatchObject({
      model: 'gpt-6.2-astra',
      max_completion_tokens: 1000,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: TASK },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'reply',
            description: 'Reply to the current thread.',
            parameters: { type: 'object', properties: { body: { type: 'string' } }, required: ['body'] },
          },
        },
      ],
    });
    expect(callId).toBe('call_fake_1');
    expect(secondRequest!.body.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_fake_1', type: 'function', function: { name: 'reply', arguments: JSON.stringify(REPLY_ARGUMENTS) } }],
      },
      { role: 'tool', tool_call_id: 'call_fake_1', content: TOOL_OUTPUT },
    ]);
  });

  it('openai-compatible: same wire, max_tokens, placeholder key, base URL from the spec', async () => {
    const fake = await startFakeOpenAiServer({ script: [...SCRIPT] });
    servers.push(fake);
    const spec = `openai-compatible:llama3.1:8b@${fake.baseURL}`;
    const { model } = createModel(spec, { env: {}, allowOfflineFallback: false });
    expect(model.id).toBe(spec);
    expect(model.vendor).toBe('openai-compatible');
    await runRoundTrip(model);
    expect(fake.requests[0]!.body).toMatchObject({ model: 'llama3.1:8b', max_tokens: 1000 });
    expect(fake.requests[0]!.body.max_completion_tokens).toBeUndefined();
    expect(fake.requests[0]!.headers.authorization).toMatch(/^Bearer \S+/);
  });

  it('gemini: systemInstruction, parametersJsonSchema, functionResponse by name, model content kept', async () => {
    const fake = await startFakeGeminiServer({ script: [...SCRIPT], apiKey: 'gemini-test-key' });
    servers.push(fake);
    const { model } = createModel('gemini:gemini-3.8-flash', {
      env: { GEMINI_API_KEY: 'gemini-test-key' },
      baseURL: fake.baseURL,
      allowOfflineFallback: false,
    });
    await runRoundTrip(model);

    const [firstRequest, secondRequest] = fake.requests;
    expect(firstRequest!.path).toMatch(/^\/v1(beta)?\/models\/gemini-3\.8-flash:generateContent$/);
    expect(firstRequest!.headers['x-goog-api-key']).toBe('gemini-test-key');
    expect(firstRequest!.body).toMatchObject({
      systemInstruction: { parts: [{ text: SYSTEM }] },
      contents: [{ role: 'user', parts: [{ text: TASK }] }],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'reply',
              description: 'Reply to the current thread.',
              parametersJsonSchema: { type: 'object', properties: { body: { type: 'string' } }, required: ['body'] },
            },
          ],
        },
      ],
      generationConfig: { maxOutputTokens: 1000 },
    });
    expect(firstRequest!.body.tools[0].functionDeclarations[0].parametersJsonSchema.$schema).toBeUndefined();
    expect(secondRequest!.body.contents).toEqual([
      { role: 'user', parts: [{ text: TASK }] },
      // The model's own content verbatim, thought signature included.
      { role: 'model', parts: [{ functionCall: { name: 'reply', args: REPLY_ARGUMENTS }, thoughtSignature: FAKE_THOUGHT_SIGNATURE }] },
      { role: 'user', parts: [{ functionResponse: { name: 'reply', response: { output: TOOL_OUTPUT } } }] },
    ]);
  });

  it('gemini: a function call id from the API is echoed in the functionResponse', async () => {
    const fake = await startFakeGeminiServer({
      script: [{ kind: 'tool_call', name: 'reply', arguments: REPLY_ARGUMENTS, id: 'gemini-call-42', usage: { inputTokens: 120, outputTokens: 30 } }, SCRIPT[1]!],
    });
    servers.push(fake);
    const { model } = createModel('gemini:gemini-3.8-flash', { env: { GOOGLE_API_KEY: 'k' }, baseURL: fake.baseURL, allowOfflineFallback: false });
    const { callId } = await runRoundTrip(model);
    expect(callId).toBe('gemini-call-42');
    expect(fake.requests[1]!.body.contents[2]).toEqual({
      role: 'user',
      parts: [{ functionResponse: { id: 'gemini-call-42', name: 'reply', response: { output: TOOL_OUTPUT } } }],
    });
  });
});

describe.each([
  { spec: 'anthropic:claude-sonnet-5-5', start: startFakeAnthropicServer, env: { ANTHROPIC_API_KEY: 'k' } },
  { spec: 'openai:gpt-6.2-astra', start: startFakeOpenAiServer, env: { OPENAI_API_KEY: 'k' } },
  { spec: 'gemini:gemini-3.8-flash', start: startFakeGeminiServer, env: { GEMINI_API_KEY: 'k' } },
])('$spec fake with replyThenFinish (for end-to-end tests)', ({ spec, start, env }) => {
  it('calls reply with arguments built from the latest mail, then finishes', async () => {
    const fake = await (start as (options: FakeServerOptions) => Promise<FakeServer>)({
      respond: replyThenFinish({ arguments: (request) => ({ body: `echo: ${request.conversation.lastUserText}` }), finalText: 'All done.' }),
    });
    servers.push(fake);
    const { model } = createModel(spec, { env, baseURL: fake.baseURL, allowOfflineFallback: false });
    const messages: ChatMessage[] = [{ role: 'user', content: 'mail one' }];
    const first = await model.generate({ system: SYSTEM, messages, tools: [replyTool] });
    expect(first.toolCalls[0]).toMatchObject({ name: 'reply', arguments: { body: 'echo: mail one' } });
    messages.push(first.message, { role: 'tool', results: [{ callId: first.toolCalls[0]!.id, name: 'reply', content: 'sent' }] });
    const second = await model.generate({ system: SYSTEM, messages, tools: [replyTool] });
    expect(second.text).toBe('All done.');
    expect(fake.requests.map((request) => request.conversation.endsWithToolResult)).toEqual([false, true]);
  });
});
