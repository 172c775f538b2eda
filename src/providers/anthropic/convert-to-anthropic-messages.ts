// Converts the portable conversation (model.ts) into the Anthropic Messages API shape: tool calls become
// `tool_use` blocks, tool results become `tool_result` blocks (linked by `tool_use_id`) inside a user turn,
// and consecutive user-role turns are merged so roles alternate as the API expects.
import type { ContentBlockParam, MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages/messages';
import type { ChatMessage, ToolDefinition } from '../model.ts';
import { providerContentFor } from '../provider-content.ts';
import { toolParametersJsonSchema } from '../tool-json-schema.ts';

export function convertToAnthropicMessages(messages: ChatMessage[]): MessageParam[] {
  const converted: MessageParam[] = [];
  for (const message of messages) {
    if (message.role === 'user') {
      appendTurn(converted, 'user', [{ type: 'text', text: message.content }]);
    } else if (message.role === 'tool') {
      appendTurn(
        converted,
        'user',
        message.results.map((result) => ({
          type: 'tool_result' as const,
          tool_use_id: result.callId,
          content: result.content,
          ...(result.isError ? { is_error: true } : {}),
        })),
      );
    } else {
      // The model's own blocks (thinking blocks with signatures included) go back verbatim when we have them.
      const ownBlocks = providerContentFor('anthropic', message) as ContentBlockParam[] | undefined;
      const blocks: ContentBlockParam[] = ownBlocks ?? [
        ...(message.text !== '' ? [{ type: 'text' as const, text: message.text }] : []),
        ...message.toolCalls.map((call) => ({ type: 'tool_use' as const, id: call.id, name: call.name, input: call.arguments })),
      ];
      // An empty assistant turn is rejected by the API and carries nothing: leave it out.
      if (blocks.length > 0) appendTurn(converted, 'assistant', blocks);
    }
  }
  return converted;
}

export function convertToAnthropicTools(tools: ToolDefinition[]): Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: toolParametersJsonSchema(tool) as Tool['input_schema'],
  }));
}

function appendTurn(converted: MessageParam[], role: 'user' | 'assistant', blocks: ContentBlockParam[]): void {
  const previous = converted.at(-1);
  if (previous && previous.role === role && Array.isArray(previous.content)) {
    // tool_result blocks must open a user turn, so later text follows them.
    previous.content.push(...blocks);
    return;
  }
  // A copy: `blocks` may be the stored providerContent of an earlier response, which must not change.
  converted.push({ role, content: [...blocks] });
}
