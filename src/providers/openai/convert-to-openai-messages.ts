// Converts the portable conversation (model.ts) into Chat Completions messages: the system prompt is the
// first `system` message, tool calls are `tool_calls` of type function (arguments as a JSON string), and
// each tool result is its own `tool` message linked by `tool_call_id`. Chat Completions is the portable
// baseline that OpenAI-compatible local servers (Ollama, vLLM, LM Studio) also speak.
import type { ChatCompletionFunctionTool, ChatCompletionMessageParam } from 'openai/resources/chat/completions/completions';
import type { ChatMessage, ToolDefinition } from '../model.ts';
import { toolParametersJsonSchema } from '../tool-json-schema.ts';

export function convertToOpenAiMessages(system: string, messages: ChatMessage[]): ChatCompletionMessageParam[] {
  const converted: ChatCompletionMessageParam[] = [];
  if (system !== '') converted.push({ role: 'system', content: system });
  for (const message of messages) {
    if (message.role === 'user') {
      converted.push({ role: 'user', content: message.content });
    } else if (message.role === 'assistant') {
      converted.push({
        role: 'assistant',
        // null, not '', when the turn is only tool calls: that is what the API itself returns.
        content: message.text === '' && message.toolCalls.length > 0 ? null : message.text,
        ...(message.toolCalls.length > 0
          ? {
              tool_calls: message.toolCalls.map((call) => ({
                id: call.id,
                type: 'function' as const,
                function: { name: call.name, arguments: JSON.stringify(call.arguments) },
              })),
            }
          : {}),
      });
    } else {
      for (const result of message.results) {
        // Chat Completions has no error flag on tool messages; say it in the content.
        converted.push({ role: 'tool', tool_call_id: result.callId, content: result.isError ? `Error: ${result.content}` : result.content });
      }
    }
  }
  return converted;
}

export function convertToOpenAiTools(tools: ToolDefinition[]): ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function' as const,
    function: { name: tool.name, description: tool.description, parameters: toolParametersJsonSchema(tool) },
  }));
}
