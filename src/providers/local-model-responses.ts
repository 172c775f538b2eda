// Responses of the models that run in-process with no vendor behind them (offline/, scripted/): a final text
// or a list of tool calls, with token usage estimated at four characters per token so X-Mailswarm-Usage and
// the token budgets stay meaningful without a tokenizer.
import type { ChatMessage, ModelRequest, ModelResponse, ToolCall } from './model.ts';

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Estimated input tokens of a request: the system prompt and every message so far. */
export function estimateInputTokens(request: Pick<ModelRequest, 'system' | 'messages'>): number {
  return estimateTokens(request.system) + request.messages.reduce((sum, message) => sum + estimateTokens(messageText(message)), 0);
}

export function finalTextResponse(text: string, inputTokens: number): ModelResponse {
  return {
    text,
    toolCalls: [],
    usage: { inputTokens, outputTokens: estimateTokens(text) },
    stopReason: 'end',
    message: { role: 'assistant', text, toolCalls: [] },
  };
}

/** Tool calls (with an optional text beside them); an empty list is a final answer. */
export function toolCallResponse(toolCalls: ToolCall[], inputTokens: number, text = ''): ModelResponse {
  return {
    text,
    toolCalls,
    usage: { inputTokens, outputTokens: estimateTokens(JSON.stringify(toolCalls)) + estimateTokens(text) },
    stopReason: toolCalls.length > 0 ? 'tool_use' : 'end',
    message: { role: 'assistant', text, toolCalls },
  };
}

function messageText(message: ChatMessage): string {
  if (message.role === 'user') return message.content;
  if (message.role === 'assistant') return message.text + JSON.stringify(message.toolCalls);
  return message.results.map((result) => result.content).join('\n');
}
