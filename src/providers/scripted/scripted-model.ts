// The scripted model: a deterministic LanguageModel that plays turns written in a YAML file
// (load-scripted-turns.ts) instead of calling a vendor. It reads the turn's user message (turn-format.ts),
// picks the first turn whose conditions hold for a new mail and whose `times` is not used up, and answers
// one step per call. Token usage is an estimate (characters / 4), like the offline model's.
import { estimateInputTokens, finalTextResponse, toolCallResponse } from '../local-model-responses.ts';
import type { ChatMessage, LanguageModel, ModelRequest, ModelResponse, ToolCall } from '../model.ts';
import { ModelError } from '../model.ts';
import { parseTurn, type TurnMailView, type TurnView } from '../offline/turn-format.ts';
import type { ScriptedCondition, ScriptedFind, ScriptedTurn, ScriptedTurns } from './load-scripted-turns.ts';
import { bareAddress, MissingToolResultError, renderTemplate, renderTemplates, type TemplateValues } from './scripted-template.ts';

/** What a mailswarm turn was given to play: a scripted turn with its matched mail, or nothing. */
type TurnChoice = { kind: 'turn'; turn: ScriptedTurn; view: TurnView; mail: TurnMailView; found: TurnMailView | undefined } | { kind: 'no-match' };

export class ScriptedModel implements LanguageModel {
  readonly id: string;
  readonly vendor = 'scripted' as const;
  private readonly script: ScriptedTurns;
  /** How many mailswarm turns each scripted turn has played so far in this run. */
  private readonly playCounts: number[];
  /** The choice per mailswarm turn, keyed by the turn's first user message: later steps (and a retried turn,
   *  whose message is the same) keep it, and do not use up `times` again. */
  private readonly choices = new Map<string, TurnChoice>();

  constructor(options: { id: string; script: ScriptedTurns }) {
    this.id = options.id;
    this.script = options.script;
    this.playCounts = options.script.turns.map(() => 0);
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    if (request.signal?.aborted) throw new ModelError('aborted', 'the request was aborted', { retryable: false });
    const inputTokens = estimateInputTokens(request);
    const first = request.messages[0];
    if (!first) throw new ModelError('bad_request', 'the scripted model needs at least one message', { retryable: false });
    if (first.role !== 'user') return finalTextResponse('Scripted model: the conversation does not start with a mailswarm turn, so there is nothing to act on.', inputTokens);
    const view = parseTurn(first.content);
    if (!view) return finalTextResponse('Scripted model: this message is not a mailswarm turn, so there is nothing to act on.', inputTokens);

    const choice = this.choose(first.content, view);
    const stepIndex = request.messages.filter((message) => message.role === 'assistant').length;
    const available = new Set(request.tools.map((tool) => tool.name));

    if (choice.kind === 'no-match') {
      const reason = `scripted: no turn of ${this.script.file} matches`;
      if (stepIndex === 0 && available.has('no_reply')) return toolCallResponse([{ id: 'scripted-1-1', name: 'no_reply', arguments: { reason } }], inputTokens);
      return finalTextResponse(reason, inputTokens);
    }

    const { turn } = choice;
    const values: TemplateValues = { view: choice.view, mail: choice.mail, found: choice.found, resultOf: (tool) => latestResult(request.messages, tool) };
    const step = turn.steps[stepIndex];
    if (step === undefined) return finalTextResponse(turn.text === undefined ? '' : this.render(turn, 'field "text"', () => renderTemplate(turn.text ?? '', values)), inputTokens);

    const toolCalls = step.map((call, callIndex): ToolCall => {
      if (!available.has(call.tool)) {
        const offered = [...available].sort().join(', ') || 'none';
        throw new ModelError('bad_request', `scripted turn "${turn.name}" of ${this.script.file}, step ${stepIndex + 1}: calls tool "${call.tool}", which this agent does not have (available: ${offered})`, {
          retryable: false,
        });
      }
      const rendered = this.render(turn, `step ${stepIndex + 1}, tool "${call.tool}"`, () => renderTemplates(call.arguments, values));
      return { id: `scripted-${stepIndex + 1}-${callIndex + 1}`, name: call.tool, arguments: rendered as Record<string, unknown> };
    });
    return toolCallResponse(toolCalls, inputTokens);
  }

  private choose(key: string, view: TurnView): TurnChoice {
    const remembered = this.choices.get(key);
    if (remembered) return remembered;
    let choice: TurnChoice = { kind: 'no-match' };
    for (const [index, turn] of this.script.turns.entries()) {
      if ((this.playCounts[index] ?? 0) >= turn.times) continue;
      const mail = matchingMail(turn.when, view);
      if (!mail) continue;
      const found = turn.find ? findMail(turn.find, view) : undefined;
      if (turn.find && !found) continue;
      this.playCounts[index] = (this.playCounts[index] ?? 0) + 1;
      choice = { kind: 'turn', turn, view, mail, found };
      break;
    }
    this.choices.set(key, choice);
    return choice;
  }

  /** Turns a missing `result.<tool>` into a ModelError naming the scripted turn. */
  private render<T>(turn: ScriptedTurn, where: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof MissingToolResultError)) throw error;
      throw new ModelError('bad_request', `scripted turn "${turn.name}" of ${this.script.file}, ${where}: ${error.message}`, { retryable: false, cause: error });
    }
  }
}

/** The newest new mail for which every given condition holds (and the thread has every `thread_has` text). */
function matchingMail(when: ScriptedCondition, view: TurnView): TurnMailView | undefined {
  const threadText = view.messages.map((mail) => `${mail.subject}\n${mail.body}`).join('\n');
  if (!when.threadHas.every((text) => includesIgnoringCase(threadText, text))) return undefined;
  const newest = [...view.messages].reverse().filter((mail) => mail.status === 'new');
  return newest.find((mail) => {
    if (when.subject !== undefined && !includesIgnoringCase(mail.subject, when.subject)) return false;
    if (when.body !== undefined && !includesIgnoringCase(mail.body, when.body)) return false;
    if (when.addressed !== 'any' && mail.addressedAs !== when.addressed) return false;
    if (when.from !== undefined && !senderIs(mail.from, when.from)) return false;
    return true;
  });
}

/** The newest mail of the thread, of any status, for which every given condition holds. */
function findMail(find: ScriptedFind, view: TurnView): TurnMailView | undefined {
  return [...view.messages].reverse().find((mail) => {
    if (find.subject !== undefined && !includesIgnoringCase(mail.subject, find.subject)) return false;
    if (find.body !== undefined && !includesIgnoringCase(mail.body, find.body)) return false;
    if (find.from !== undefined && !senderIs(mail.from, find.from)) return false;
    return true;
  });
}

/** `builder` matches the local part of the sender, `builder@example.org` the whole address. */
function senderIs(from: string, wanted: string): boolean {
  const address = bareAddress(from).toLowerCase();
  const expected = wanted.trim().toLowerCase();
  if (expected.includes('@')) return address === expected;
  return address.slice(0, address.lastIndexOf('@')) === expected;
}

function includesIgnoringCase(text: string, part: string): boolean {
  return text.toLowerCase().includes(part.toLowerCase());
}

function latestResult(messages: ChatMessage[], tool: string): string | undefined {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message?.role !== 'tool') continue;
    const result = message.results.findLast((candidate) => candidate.name === tool);
    if (result) return result.content;
  }
  return undefined;
}
