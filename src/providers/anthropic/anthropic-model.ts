// The Anthropic adapter: one Messages API call per `generate` (system prompt top-level, tools as
// `input_schema`), through @anthropic-ai/sdk, whose own `maxRetries` retries 408/409/429/5xx and timeouts
// honouring Retry-After. Every failure leaves as a ModelError.
import Anthropic from '@anthropic-ai/sdk';
import type { Message, StopReason as AnthropicStopReason } from '@anthropic-ai/sdk/resources/messages/messages';
import { DEFAULT_MAX_OUTPUT_TOKENS, type AdapterOptions } from '../adapter-options.ts';
import { ModelError, type LanguageModel, type ModelRequest, type ModelResponse, type StopReason, type ToolCall } from '../model.ts';
import { tagProviderContent } from '../provider-content.ts';
import { convertToAnthropicMessages, convertToAnthropicTools } from './convert-to-anthropic-messages.ts';
import { mapAnthropicError } from './map-anthropic-error.ts';

export class AnthropicModel implements LanguageModel {
  readonly id: string;
  readonly vendor = 'anthropic' as const;
  readonly #client: Anthropic;
  readonly #model: string;

  constructor(options: AdapterOptions) {
    this.id = options.id;
    this.#model = options.model;
    // baseURL undefined keeps the SDK's ANTHROPIC_BASE_URL handling.
    this.#client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    let response: Message;
    try {
      response = await this.#client.messages.create(
        {
          model: this.#model,
          max_tokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
          ...(request.system !== '' ? { system: request.system } : {}),
          messages: convertToAnthropicMessages(request.messages),
          ...(request.tools.length > 0 ? { tools: convertToAnthropicTools(request.tools) } : {}),
        },
        { signal: request.signal },
      );
    } catch (error) {
      throw mapAnthropicError(error);
    }
    return toModelResponse(response);
  }
}

function toModelResponse(response: Message): ModelResponse {
  if (!response || !Array.isArray(response.content) || typeof response.usage !== 'object' || response.usage === null) {
    throw new ModelError('malformed', 'anthropic: response has no content array or usage', { retryable: true });
  }
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of response.content) {
    if (block.type === 'text') texts.push(block.text);
    else if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id, name: block.name, arguments: asArguments(block.input, block.name) });
    }
  }
  const text = texts.join('');
  const usage = response.usage;
  return {
    text,
    toolCalls,
    usage: {
      // Cached prompt tokens are still input the turn consumed.
      inputTokens: (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0),
      outputTokens: usage.output_tokens ?? 0,
    },
    stopReason: toStopReason(response.stop_reason),
    message: { role: 'assistant', text, toolCalls, providerContent: tagProviderContent('anthropic', response.content) },
  };
}

function asArguments(input: unknown, toolName: string): Record<string, unknown> {
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) return input as Record<string, unknown>;
  throw new ModelError('malformed', `anthropic: tool_use "${toolName}" input is not an object`, { retryable: true });
}

function toStopReason(reason: AnthropicStopReason | null): StopReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'end';
    case 'tool_use':
      return 'tool_use';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'max_tokens';
    case 'refusal':
      return 'refusal';
    default:
      return 'other';
  }
}
