// Turns a tool's zod parameters into plain JSON Schema for the vendors' tool declarations (zod 4's
// z.toJSONSchema). The `$schema` marker is dropped: vendors validate the schema body, and some (Gemini's
// parametersJsonSchema, strict OpenAI-compatible servers) reject or ignore unknown top-level keywords.
import { z } from 'zod';
import type { ToolDefinition } from './model.ts';

export type JsonSchemaObject = Record<string, unknown> & { type: 'object' };

export function toolParametersJsonSchema(tool: ToolDefinition): JsonSchemaObject {
  // io: 'input' describes what the model must send (defaults are optional), which the runtime then parses.
  const schema = z.toJSONSchema(tool.parameters, { io: 'input' }) as Record<string, unknown>;
  const { $schema: _dropped, ...body } = schema;
  return { ...body, type: 'object' };
}
