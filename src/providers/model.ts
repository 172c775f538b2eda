// The one model interface every vendor adapter implements (anthropic, openai, gemini, offline, scripted).
// The swarm runtime depends only on this file; vendor SDKs are imported only inside src/providers/<vendor>/.
import type { z } from 'zod';

/** A tool the model may call. Tools are data: the runtime owns `execute`, adapters only see the schema. */
export interface ToolDefinition {
  name: string;
  description: string;
  parameters: z.ZodObject;
}

export interface ToolCall {
  /** Vendor call id (Gemini has none: the adapter invents a stable one). */
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export interface ToolResult {
  callId: string;
  name: string;
  content: string;
  isError?: boolean;
}

export type ChatMessage =
  | { role: 'user'; content: string }
  | {
      role: 'assistant';
      text: string;
      toolCalls: ToolCall[];
      /** The vendor's own content for this turn (e.g. Gemini parts with thought signatures), sent back verbatim. */
      providerContent?: unknown;
    }
  | { role: 'tool'; results: ToolResult[] };

export interface ModelRequest {
  system: string;
  messages: ChatMessage[];
  tools: ToolDefinition[];
  maxOutputTokens?: number;
  signal?: AbortSignal;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export type StopReason = 'end' | 'tool_use' | 'max_tokens' | 'refusal' | 'other';

export interface ModelResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  stopReason: StopReason;
  /** Echo of the assistant turn to append to `messages` when continuing the conversation. */
  message: Extract<ChatMessage, { role: 'assistant' }>;
}

export type Vendor = 'anthropic' | 'openai' | 'openai-compatible' | 'gemini' | 'offline' | 'scripted';

export interface LanguageModel {
  /** The configured model id exactly as written (`anthropic:claude-sonnet-4-5`), for X-Mailswarm-Model. */
  readonly id: string;
  readonly vendor: Vendor;
  generate(request: ModelRequest): Promise<ModelResponse>;
}

export type ModelErrorKind = 'rate_limit' | 'server' | 'timeout' | 'auth' | 'bad_request' | 'malformed' | 'network' | 'aborted';

/** A failure after the adapter's own retries; `retryable` tells the runtime whether a later turn may succeed. */
export class ModelError extends Error {
  override name = 'ModelError';
  readonly kind: ModelErrorKind;
  readonly retryable: boolean;
  readonly status: number | undefined;
  constructor(kind: ModelErrorKind, message: string, options: { retryable: boolean; status?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.kind = kind;
    this.retryable = options.retryable;
    this.status = options.status;
  }
}

export function addUsage(total: TokenUsage, more: TokenUsage): TokenUsage {
  return { inputTokens: total.inputTokens + more.inputTokens, outputTokens: total.outputTokens + more.outputTokens };
}
