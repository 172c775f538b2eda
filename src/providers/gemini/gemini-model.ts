// The Gemini adapter (generateContent through @google/genai, the Gemini Developer API). The SDK retries
// only when asked and then ignores Retry-After, so retries are ours (../retry.ts), honouring Retry-After
// and RetryInfo; the per-attempt timeout is the SDK's httpOptions.timeout. Every failure is a ModelError.
import { GoogleGenAI, type Content, type GenerateContentResponse } from '@google/genai';
import { DEFAULT_MAX_OUTPUT_TOKENS, type AdapterOptions } from '../adapter-options.ts';
import { ModelError, type LanguageModel, type ModelRequest, type ModelResponse, type StopReason, type ToolCall } from '../model.ts';
import { tagProviderContent } from '../provider-content.ts';
import { parseRetryAfter, withRetries } from '../retry.ts';
import { convertToGeminiContents, convertToGeminiTools, inventCallId } from './convert-to-gemini-messages.ts';
import { classifyGeminiError } from './map-gemini-error.ts';

export class GeminiModel implements LanguageModel {
  readonly id: string;
  readonly vendor = 'gemini' as const;
  readonly #client: GoogleGenAI;
  readonly #model: string;
  readonly #maxRetries: number;

  constructor(options: AdapterOptions) {
    this.id = options.id;
    this.#model = options.model;
    this.#maxRetries = options.maxRetries;
    // baseUrl undefined keeps the SDK's GOOGLE_GEMINI_BASE_URL handling. vertexai: false pins the Gemini
    // Developer API (API key) even when GOOGLE_GENAI_USE_VERTEXAI is set for some other tool.
    this.#client = new GoogleGenAI({
      apiKey: options.apiKey,
      vertexai: false,
      httpOptions: { ...(options.baseURL ? { baseUrl: options.baseURL } : {}), timeout: options.timeoutMs },
    });
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const contents = convertToGeminiContents(request.messages);
    const tools = convertToGeminiTools(request.tools);
    let retryAfterHeaderMs: number | undefined;
    // The SDK's ApiError drops the response headers, so a per-request fetch notes Retry-After first.
    // (A custom fetch also means undici's own 300 s header timeout applies; our timeout is shorter.)
    const fetchNotingRetryAfter = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const response = await fetch(input, init);
      retryAfterHeaderMs = response.ok ? undefined : parseRetryAfter(response.headers);
      return response;
    };
    const response = await withRetries(
      () => {
        retryAfterHeaderMs = undefined;
        return this.#client.models.generateContent({
          model: this.#model,
          contents,
          config: {
            ...(request.system !== '' ? { systemInstruction: { parts: [{ text: request.system }] } } : {}),
            ...(tools.length > 0 ? { tools } : {}),
            maxOutputTokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
            abortSignal: request.signal,
            httpOptions: { fetch: fetchNotingRetryAfter },
          },
        });
      },
      (error) => classifyGeminiError(error, { callerSignal: request.signal, retryAfterHeaderMs }),
      { maxRetries: this.#maxRetries, signal: request.signal },
    );
    return toModelResponse(response);
  }
}

function toModelResponse(response: GenerateContentResponse): ModelResponse {
  const usage = {
    inputTokens: response?.usageMetadata?.promptTokenCount ?? 0,
    // Thinking tokens are billed and limited as output.
    outputTokens: (response?.usageMetadata?.candidatesTokenCount ?? 0) + (response?.usageMetadata?.thoughtsTokenCount ?? 0),
  };
  const candidate = response?.candidates?.[0];
  if (!candidate) {
    if (response?.promptFeedback?.blockReason) {
      return { text: '', toolCalls: [], usage, stopReason: 'refusal', message: { role: 'assistant', text: '', toolCalls: [] } };
    }
    throw new ModelError('malformed', 'gemini: response has no candidates', { retryable: true });
  }
  const content: Content = candidate.content ?? { role: 'model', parts: [] };
  const parts = content.parts ?? [];
  const text = parts
    .filter((part) => typeof part.text === 'string' && !part.thought)
    .map((part) => part.text)
    .join('');
  const toolCalls: ToolCall[] = [];
  for (const part of parts) {
    const call = part.functionCall;
    if (!call) continue;
    if (!call.name) throw new ModelError('malformed', 'gemini: functionCall part without a name', { retryable: true });
    toolCalls.push({ id: call.id ?? inventCallId(toolCalls.length, call.name), name: call.name, arguments: call.args ?? {} });
  }
  return {
    text,
    toolCalls,
    usage,
    stopReason: toolCalls.length > 0 ? 'tool_use' : toStopReason(candidate.finishReason),
    // The model's own content goes back verbatim on the next turn (thought signatures must survive).
    message: { role: 'assistant', text, toolCalls, providerContent: tagProviderContent('gemini', { ...content, role: content.role ?? 'model' }) },
  };
}

function toStopReason(reason: string | undefined): StopReason {
  switch (reason) {
    case 'STOP':
      return 'end';
    case 'MAX_TOKENS':
      return 'max_tokens';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
      return 'refusal';
    default:
      return 'other';
  }
}
