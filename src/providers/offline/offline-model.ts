// The offline model: a deterministic LanguageModel with no network access, used when no API key is set and
// in tests. It reads the turn's user message (turn-format.ts), plans tool calls by fixed rules
// (offline-rules.ts), and after the tool results comes back with a short final text. Token usage is an
// estimate (characters / 4) so the X-Mailswarm-Usage header stays meaningful.
import { estimateInputTokens, finalTextResponse, toolCallResponse } from '../local-model-responses.ts';
import type { LanguageModel, ModelRequest, ModelResponse, ToolCall } from '../model.ts';
import { ModelError } from '../model.ts';
import { planOfflineTurn } from './offline-rules.ts';
import { parseTurn } from './turn-format.ts';

export class OfflineModel implements LanguageModel {
  readonly id: string;
  readonly vendor = 'offline' as const;

  constructor(options: { id: string }) {
    this.id = options.id;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    if (request.signal?.aborted) throw new ModelError('aborted', 'the request was aborted', { retryable: false });
    const inputTokens = estimateInputTokens(request);
    const last = request.messages.at(-1);
    if (!last) throw new ModelError('bad_request', 'the offline model needs at least one message', { retryable: false });

    if (last.role === 'tool') {
      const summary = last.results.map((result) => `${result.name}: ${result.isError ? 'failed' : 'done'}`).join(', ');
      return finalTextResponse(`Offline model finished this turn (${summary}).`, inputTokens);
    }
    if (last.role !== 'user') return finalTextResponse('Offline model: nothing to do.', inputTokens);

    const view = parseTurn(last.content);
    if (!view) return finalTextResponse('Offline model: this message is not a mailswarm turn, so there is nothing to act on.', inputTokens);
    const available = new Set(request.tools.map((tool) => tool.name));
    const toolCalls: ToolCall[] = planOfflineTurn(view)
      .filter((call) => available.has(call.name))
      .map((call, index) => ({ id: `offline-${index}`, name: call.name, arguments: call.arguments }));
    return toolCallResponse(toolCalls, inputTokens, toolCalls.length > 0 ? '' : 'Offline model: no applicable tool is available.');
  }
}
