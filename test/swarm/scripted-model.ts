// A test model that plays a fixed script: step n of a turn returns the tool calls the script gives for it
// (computed from what the model has seen so far), and records every request as a snapshot.
import type { LanguageModel, ModelRequest, ModelResponse, ToolCall } from '../../src/providers/model.ts';

export type ScriptStep = (request: ModelRequest) => Array<Omit<ToolCall, 'id'>>;

export class ScriptedModel implements LanguageModel {
  readonly id = 'scripted:test';
  readonly vendor = 'offline' as const;
  readonly requests: ModelRequest[] = [];
  #steps: ScriptStep[];

  constructor(steps: ScriptStep[]) {
    this.#steps = steps;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push({ ...request, messages: [...request.messages] });
    const stepIndex = request.messages.filter((message) => message.role === 'assistant').length;
    const step = this.#steps[stepIndex];
    const toolCalls = (step ? step(request) : []).map((call, index) => ({ ...call, id: `call-${stepIndex}-${index}` }));
    const text = toolCalls.length === 0 ? 'script finished' : '';
    return {
      text,
      toolCalls,
      usage: { inputTokens: 10, outputTokens: 5 },
      stopReason: toolCalls.length > 0 ? 'tool_use' : 'end',
      message: { role: 'assistant', text, toolCalls },
    };
  }
}

/** The tool results the model received in its latest request. */
export function lastToolResults(request: ModelRequest): Array<{ name: string; content: string; isError?: boolean | undefined }> {
  const last = request.messages.at(-1);
  return last?.role === 'tool' ? last.results : [];
}
