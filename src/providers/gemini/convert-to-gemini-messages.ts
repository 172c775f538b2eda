// Converts the portable conversation (model.ts) into Gemini `contents`: assistant turns are role `model`
// (sent back verbatim from the model's own content when we have it, so thought signatures survive), tool
// calls are `functionCall` parts, tool results are `functionResponse` parts named after the function and
// linked by the call id when Gemini gave one. Tools are `functionDeclarations` with `parametersJsonSchema`.
import type { Content, FunctionDeclaration, Part, Tool } from '@google/genai';
import type { ChatMessage, ToolDefinition } from '../model.ts';
import { providerContentFor } from '../provider-content.ts';
import { toolParametersJsonSchema } from '../tool-json-schema.ts';

/** Gemini may return function calls without an id; the adapter invents one with this prefix and never
 *  sends an invented id back (the API would not recognise it). */
export const INVENTED_CALL_ID_PREFIX = 'mailswarm-gemini-call-';

export function inventCallId(index: number, name: string): string {
  return `${INVENTED_CALL_ID_PREFIX}${index}-${name}`;
}

export function convertToGeminiContents(messages: ChatMessage[]): Content[] {
  const converted: Content[] = [];
  for (const message of messages) {
    if (message.role === 'user') {
      appendContent(converted, 'user', [{ text: message.content }]);
    } else if (message.role === 'tool') {
      appendContent(
        converted,
        'user',
        message.results.map((result) => ({
          functionResponse: {
            name: result.name,
            ...(result.callId.startsWith(INVENTED_CALL_ID_PREFIX) ? {} : { id: result.callId }),
            // "output" and "error" are the keys the API documents for a function's result.
            response: result.isError ? { error: result.content } : { output: result.content },
          },
        })),
      );
    } else {
      const ownContent = providerContentFor('gemini', message) as Content | undefined;
      const parts: Part[] = ownContent?.parts ?? [
        ...(message.text !== '' ? [{ text: message.text }] : []),
        ...message.toolCalls.map((call) => ({
          functionCall: {
            name: call.name,
            args: call.arguments,
            ...(call.id.startsWith(INVENTED_CALL_ID_PREFIX) ? {} : { id: call.id }),
          },
        })),
      ];
      if (parts.length > 0) appendContent(converted, 'model', parts);
    }
  }
  return converted;
}

export function convertToGeminiTools(tools: ToolDefinition[]): Tool[] {
  if (tools.length === 0) return [];
  const functionDeclarations: FunctionDeclaration[] = tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    parametersJsonSchema: toolParametersJsonSchema(tool),
  }));
  return [{ functionDeclarations }];
}

function appendContent(converted: Content[], role: 'user' | 'model', parts: Part[]): void {
  const previous = converted.at(-1);
  if (previous && previous.role === role) {
    previous.parts = [...(previous.parts ?? []), ...parts];
    return;
  }
  converted.push({ role, parts: [...parts] });
}
