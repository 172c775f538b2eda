// A fake OpenAI Chat Completions API (POST /v1/chat/completions, `Authorization: Bearer`, chat.completion
// JSON with tool_calls, `{error:{message,type,param,code}}` error bodies) for tests: the real `openai` SDK
// talks to it with OPENAI_BASE_URL or baseURL set to `fake.baseURL` (which ends in /v1). It also stands in
// for OpenAI-compatible local servers (Ollama, vLLM, LM Studio), which speak the same wire format.
import { DEFAULT_USAGE, startFakeHttpServer, type FakeServer, type FakeServerOptions, type VendorWire } from './fake-http-server.ts';

export { replyThenFinish, type FakeServer, type FakeServerOptions, type FakeStep, type RecordedRequest } from './fake-http-server.ts';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  404: 'invalid_request_error',
  429: 'rate_limit_exceeded',
  500: 'server_error',
  503: 'server_error',
};

const openAiWire: VendorWire = {
  baseURLPath: '/v1',
  routeProblem: (request) =>
    request.method === 'POST' && request.path.split('?')[0] === '/v1/chat/completions' ? undefined : `no route ${request.method} ${request.path}`,
  authProblem: (request, apiKey) => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    if (!match) return 'missing Authorization: Bearer header';
    if (apiKey !== undefined && match[1] !== apiKey) return 'Incorrect API key provided';
    return undefined;
  },
  describeConversation: (body) => {
    const messages: Array<{ role: string; content: unknown }> = Array.isArray(body?.messages) ? body.messages : [];
    const textOf = (content: unknown): string =>
      typeof content === 'string'
        ? content
        : Array.isArray(content)
          ? content.filter((part) => part?.type === 'text').map((part) => part.text).join('\n')
          : '';
    const lastUser = messages.findLast((message) => message.role === 'user');
    return { endsWithToolResult: messages.at(-1)?.role === 'tool', lastUserText: textOf(lastUser?.content) };
  },
  errorBody: (status, message) => ({ error: { message, type: ERROR_TYPES[status] ?? 'server_error', param: null, code: status === 401 ? 'invalid_api_key' : null } }),
  successBody: (step, request, sequence) => {
    const usage = step.usage ?? DEFAULT_USAGE;
    const message =
      step.kind === 'text'
        ? { role: 'assistant', content: step.text, refusal: null }
        : {
            role: 'assistant',
            content: step.text ?? null,
            refusal: null,
            tool_calls: [{ id: step.id ?? `call_fake_${sequence}`, type: 'function', function: { name: step.name, arguments: JSON.stringify(step.arguments) } }],
          };
    return {
      id: `chatcmpl-fake-${sequence}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.body?.model ?? 'unknown',
      choices: [{ index: 0, message, logprobs: null, finish_reason: step.kind === 'text' ? 'stop' : 'tool_calls' }],
      usage: { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens },
    };
  },
};

export function startFakeOpenAiServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  return startFakeHttpServer(openAiWire, options);
}
