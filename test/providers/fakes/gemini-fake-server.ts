// A fake Gemini Developer API (POST /v1[beta]/models/<model>:generateContent, `x-goog-api-key`,
// GenerateContentResponse JSON with functionCall parts carrying a thoughtSignature, google.rpc.Status
// error bodies) for tests: the real @google/genai SDK talks to it with GOOGLE_GEMINI_BASE_URL or
// httpOptions.baseUrl set to `fake.baseURL`.
import { DEFAULT_USAGE, startFakeHttpServer, type FakeServer, type FakeServerOptions, type VendorWire } from './fake-http-server.ts';

export { replyThenFinish, type FakeServer, type FakeServerOptions, type FakeStep, type RecordedRequest } from './fake-http-server.ts';

/** The opaque signature the fake attaches to every functionCall part; the SDK must send it back. */
export const FAKE_THOUGHT_SIGNATURE = 'ZmFrZS10aG91Z2h0LXNpZ25hdHVyZQ==';

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

// @google/genai 3.x calls v1 by default; v1beta when GOOGLE_GENAI_API_VERSION=beta.
const ROUTE = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):generateContent$/;

const geminiWire: VendorWire = {
  baseURLPath: '',
  routeProblem: (request) =>
    request.method === 'POST' && ROUTE.test(request.path.split('?')[0] ?? '') ? undefined : `no route ${request.method} ${request.path}`,
  authProblem: (request, apiKey) => {
    const key = request.headers['x-goog-api-key'];
    if (typeof key !== 'string' || key === '') return 'Method doesn\'t allow unregistered callers. Please use API Key.';
    if (apiKey !== undefined && key !== apiKey) return 'API key not valid. Please pass a valid API key.';
    return undefined;
  },
  describeConversation: (body) => {
    const contents: Array<{ role?: string; parts?: Array<{ text?: string; functionResponse?: unknown }> }> = Array.isArray(body?.contents) ? body.contents : [];
    const last = contents.at(-1);
    const lastUser = contents.findLast((content) => content.role === 'user' && (content.parts ?? []).some((part) => typeof part.text === 'string'));
    return {
      endsWithToolResult: last?.role === 'user' && (last.parts ?? []).some((part) => part.functionResponse !== undefined),
      lastUserText: (lastUser?.parts ?? []).filter((part) => typeof part.text === 'string').map((part) => part.text).join('\n'),
    };
  },
  errorBody: (status, message, details) => ({
    error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN', ...(details ? { details } : {}) },
  }),
  successBody: (step, request, sequence) => {
    const usage = step.usage ?? DEFAULT_USAGE;
    const parts: unknown[] = [];
    if (step.kind === 'text') parts.push({ text: step.text });
    else {
      if (step.text) parts.push({ text: step.text });
      parts.push({
        functionCall: { name: step.name, args: step.arguments, ...(step.id ? { id: step.id } : {}) },
        thoughtSignature: FAKE_THOUGHT_SIGNATURE,
      });
    }
    return {
      candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: usage.inputTokens,
        candidatesTokenCount: usage.outputTokens,
        totalTokenCount: usage.inputTokens + usage.outputTokens,
      },
      modelVersion: ROUTE.exec(request.path.split('?')[0] ?? '')?.[1] ?? 'unknown',
      responseId: `fake-response-${sequence}`,
    };
  },
};

export function startFakeGeminiServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  return startFakeHttpServer(geminiWire, options);
}
