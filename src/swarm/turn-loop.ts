// One turn of one agent in one thread: the model/tool loop. The model sees the system prompt and the turn
// message, may call tools (validated with their zod schemas), sees the results, and so on for a bounded
// number of steps. Mistakes the model can fix come back to it as tool errors; infrastructure failures
// (IMAP/SMTP) abort the turn so its mail stays unprocessed and the turn is retried.
import type { Logger } from '../logger.ts';
import { addUsage, ModelError, type ChatMessage, type LanguageModel, type TokenUsage, type ToolResult } from '../providers/model.ts';
import { UnknownRecipientError } from './directory.ts';
import { ToolInputError, type SwarmTool, type TurnToolContext } from './tools.ts';

export interface TurnResult {
  usage: TokenUsage;
  steps: number;
  toolCalls: Array<{ name: string; isError: boolean }>;
  finalText: string;
  /** True when the step budget ran out while the model still wanted to call tools. */
  stepBudgetExhausted: boolean;
}

export async function runTurn(options: {
  model: LanguageModel;
  system: string;
  userMessage: string;
  tools: SwarmTool[];
  context: TurnToolContext;
  maxSteps: number;
  maxOutputTokens: number;
  signal: AbortSignal;
  logger: Logger;
  onUsage: (usage: TokenUsage) => void;
}): Promise<TurnResult> {
  const { model, tools, context, logger } = options;
  const messages: ChatMessage[] = [{ role: 'user', content: options.userMessage }];
  const toolDefinitions = tools.map((tool) => ({ name: tool.name, description: tool.description, parameters: tool.parameters }));
  const toolCalls: TurnResult['toolCalls'] = [];
  let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  let finalText = '';
  for (let step = 1; step <= options.maxSteps; step++) {
    const response = await abortable(
      model.generate({ system: options.system, messages, tools: toolDefinitions, maxOutputTokens: options.maxOutputTokens, signal: options.signal }),
      options.signal,
    );
    usage = addUsage(usage, response.usage);
    options.onUsage(usage);
    messages.push(response.message);
    finalText = response.text;
    if (response.toolCalls.length === 0) return { usage, steps: step, toolCalls, finalText, stepBudgetExhausted: false };
    const results: ToolResult[] = [];
    for (const call of response.toolCalls) {
      const result = await executeToolCall(tools, call, context, logger);
      toolCalls.push({ name: call.name, isError: result.isError === true });
      results.push(result);
    }
    messages.push({ role: 'tool', results });
  }
  logger.warn({ maxSteps: options.maxSteps }, 'turn stopped: tool-step budget exhausted');
  return { usage, steps: options.maxSteps, toolCalls, finalText, stepBudgetExhausted: true };
}

async function executeToolCall(
  tools: SwarmTool[],
  call: { id: string; name: string; arguments: Record<string, unknown> },
  context: TurnToolContext,
  logger: Logger,
): Promise<ToolResult> {
  const tool = tools.find((candidate) => candidate.name === call.name);
  if (!tool) return { callId: call.id, name: call.name, content: `unknown tool "${call.name}"; available: ${tools.map((candidate) => candidate.name).join(', ')}`, isError: true };
  const parsed = tool.parameters.safeParse(call.arguments ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`).join('; ');
    return { callId: call.id, name: call.name, content: `invalid arguments: ${problems}`, isError: true };
  }
  try {
    const content = await tool.execute(parsed.data, context);
    logger.debug({ tool: call.name }, 'tool call done');
    return { callId: call.id, name: call.name, content };
  } catch (error) {
    if (error instanceof ToolInputError || error instanceof UnknownRecipientError) {
      logger.info({ tool: call.name, reason: error.message }, 'tool call rejected; telling the model');
      return { callId: call.id, name: call.name, content: error.message, isError: true };
    }
    throw error;
  }
}

/** Settles when the model answers or the signal aborts, whichever is first: stopping never waits on a slow model. */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // The abandoned call may still fail; its error is moot once the turn is aborted, but must not go unhandled.
    work.catch(() => undefined);
    return Promise.reject(new ModelError('aborted', 'the turn was aborted', { retryable: false }));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ModelError('aborted', 'the turn was aborted', { retryable: false }));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
