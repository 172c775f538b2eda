// A fake Anthropic Messages API (POST /v1/messages, `x-api-key` or Bearer key + `anthropic-version`, Messages
// JSON with tool_use blocks, `{type:"error", error:{type, message}}` error bodies) for tests: the real
// @anthropic-ai/sdk talks to it with ANTHROPIC_BASE_URL or baseURL set to `fake.baseURL`.
import { DEFAULT_USAGE, startFakeHttpServer, type FakeServer, type FakeServerOptions, type VendorWire } from './fake-http-server.ts';

export { replyThenFinish, type FakeServer, type FakeServerOptions, type FakeStep, type RecordedRequest } from './fake-http-server.ts';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const anthropicWire: VendorWire = {
  baseURLPath: '',
  routeProblem: (request) =>
    request.method === 'POST' && request.path.split('?')[0] === '/v1/messages' ? undefined : `no route ${request.method} ${request.path}`,
  authProblem: (request, apiKey) => {
    // The API takes the key as `x-api-key`; @anthropic-ai/sdk 1.x sends it as `Authorization: Bearer`.
    const key = request.headers['x-api-key'] ?? /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (typeof key !== 'string' || key === '') return 'missing x-api-key (or Authorization: Bearer) header';
    if (apiKey !== undefined && key !== apiKey) return 'invalid x-api-key';
    if (typeof request.headers['anthropic-version'] !== 'string') return 'missing anthropic-version header';
    return undefined;
  },
  describeConversation: (body) => {
    const messages: Array<{ role: string; content: unknown }> = Array.isArray(body?.messages) ? body.messages : [];
    const blocksOf = (content: unknown): Array<{ type?: string; text?: string }> =>
      typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : [];
    const last = messages.at(-1);
    const lastUser = messages.findLast((message) => message.role === 'user' && blocksOf(message.content).some((block) => block.type === 'text'));
    return {
      endsWithToolResult: last?.role === 'user' && blocksOf(last.content).some((block) => block.type === 'tool_result'),
      lastUserText: blocksOf(lastUser?.content).filter((block) => block.type === 'text').map((block) => block.text).join('\n'),
    };
  },
  errorBody: (status, message) => ({ type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } }),
  successBody: (step, request, sequence) => {
    const usage = step.usage ?? DEFAULT_USAGE;
    const content: unknown[] = [];
    if (step.kind === 'text') content.push({ type: 'text', text: step.text });
    else {
      if (step.text) content.push({ type: 'text', text: step.text });
      content.push({ type: 'tool_use', id: step.id ?? `toolu_fake_${sequence}`, name: step.name, input: step.arguments });
    }
    return {
      id: `msg_fake_${sequence}`,
      type: 'message',
      role: 'assistant',
      model: request.body?.model ?? 'unknown',
      content,
      stop_reason: step.kind === 'text' ? 'end_turn' : 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: usage.inputTokens,
        output_tokens: usage.outputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    };
  },
};

export function startFakeAnthropicServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  return startFakeHttpServer(anthropicWire, options);
}
