// The OpenAI adapter (Chat Completions through the `openai` SDK), also serving OpenAI-compatible servers
// (Ollama, vLLM, LM Studio) through `baseURL`. The SDK's own `maxRetries` retries 408/409/429/5xx and
// timeouts honouring Retry-After. Every failure leaves as a ModelError.
import OpenAI from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions/completions';
import { DEFAULT_MAX_OUTPUT_TOKENS, type AdapterOptions } from '../adapter-options.ts';
import { ModelError, type LanguageModel, type ModelRequest, type ModelResponse, type StopReason, type ToolCall } from '../model.ts';
import { convertToOpenAiMessages, convertToOpenAiTools } from './convert-to-openai-messages.ts';
import { mapOpenAiError } from './map-openai-error.ts';

export interface OpenAiModelOptions extends AdapterOptions {
  vendor: 'openai' | 'openai-compatible';
}

export class OpenAiModel implements LanguageModel {
  readonly id: string;
  readonly vendor: 'openai' | 'openai-compatible';
  readonly #client: OpenAI;
  readonly #model: string;

  constructor(options: OpenAiModelOptions) {
    this.id = options.id;
    this.vendor = options.vendor;
    this.#model = options.model;
    const compatible = options.vendor === 'openai-compatible';
    // baseURL undefined keeps the SDK's OPENAI_BASE_URL handling. A local server must not receive the
    // OpenAI organisation/project headers from OPENAI_ORG_ID/OPENAI_PROJECT_ID.
    this.#client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
      ...(compatible ? { organization: null, project: null } : {}),
    });
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const maxOutputTokens = request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
    let completion: ChatCompletion;
    try {
      completion = await this.#client.chat.completions.create(
        {
          model: this.#model,
          messages: convertToOpenAiMessages(request.system, request.messages),
          ...(request.tools.length > 0 ? { tools: convertToOpenAiTools(request.tools) } : {}),
          // OpenAI deprecated max_tokens for max_completion_tokens; local servers mostly know only max_tokens.
          ...(this.vendor === 'openai' ? { max_completion_tokens: maxOutputTokens } : { max_tokens: maxOutputTokens }),
        },
        { signal: request.signal },
      );
    } catch (error) {
      throw mapOpenAiError(error, this.vendor);
    }
    return toModelResponse(completion, this.vendor);
  }
}

function toModelResponse(completion: ChatCompletion, vendorLabel: string): ModelResponse {
  const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
  if (!choice || typeof choice.message !== 'object' || choice.message === null) {
    throw new ModelError('malformed', `${vendorLabel}: response has no choices[0].message`, { retryable: true });
  }
  const message = choice.message;
  // A refusal arrives in its own field with content null; its text is what the runtime can show.
  const text = message.content ?? message.refusal ?? '';
  const toolCalls: ToolCall[] = [];
  for (const call of message.tool_calls ?? []) {
    if (call.type !== 'function') continue;
    toolCalls.push({ id: call.id, name: call.function.name, arguments: parseArguments(call.function.arguments, call.function.name, vendorLabel) });
  }
  return {
    text,
    toolCalls,
    // Some compatible servers omit usage; zero is the honest count we know.
    usage: { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 },
    stopReason: message.refusal ? 'refusal' : toStopReason(choice.finish_reason, toolCalls.length > 0),
    message: { role: 'assistant', text, toolCalls },
  };
}

function parseArguments(raw: string, toolName: string, vendorLabel: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw === '' ? '{}' : raw);
  } catch (error) {
    throw new ModelError('malformed', `${vendorLabel}: tool call "${toolName}" arguments are not valid JSON`, { retryable: true, cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ModelError('malformed', `${vendorLabel}: tool call "${toolName}" arguments are not a JSON object`, { retryable: true });
  }
  return parsed as Record<string, unknown>;
}

function toStopReason(reason: string | null | undefined, hasToolCalls: boolean): StopReason {
  switch (reason) {
    case 'stop':
      // Some compatible servers report "stop" even when they returned tool calls.
      return hasToolCalls ? 'tool_use' : 'end';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    case 'content_filter':
      return 'refusal';
    default:
      return hasToolCalls ? 'tool_use' : 'other';
  }
}
