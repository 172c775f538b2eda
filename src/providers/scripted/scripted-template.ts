// The `{{...}}` templates of a scripted model's tool arguments (load-scripted-turns.ts documents the
// variables): finding the variables of a string when the file is loaded, so a typo stops `mailswarm up`,
// and filling them in from the turn when a step is played.
import type { TurnMailView, TurnView } from '../offline/turn-format.ts';

const templatePattern = /\{\{\s*([^{}]*?)\s*\}\}/g;
const resultPrefix = 'result.';

/** The variables a template may name, besides `result.<tool>`. */
export const templateVariableNames = [
  'mail.message_id',
  'mail.subject',
  'mail.from',
  'mail.from_name',
  'mail.body',
  'thread.subject',
  'thread.first_message_id',
  'self.name',
  'self.address',
] as const;

/** Variables of the mail a turn's `find` picked. */
export const foundVariableNames = ['found.message_id', 'found.subject', 'found.from'] as const;
const foundVariables: ReadonlySet<string> = new Set(foundVariableNames);

const knownVariables: ReadonlySet<string> = new Set(templateVariableNames);

export interface TemplateValues {
  view: TurnView;
  /** The new mail the turn matched. */
  mail: TurnMailView;
  /** The mail the turn's `find` picked, when it has one. */
  found?: TurnMailView | undefined;
  /** The content of the most recent result of `tool` in this turn, if it was called. */
  resultOf(tool: string): string | undefined;
}

/** The problem with a template's variables (undefined when none); `toolsCalledBefore` are the tools of earlier steps. */
export function templateProblem(text: string, toolsCalledBefore: ReadonlySet<string>, hasFind = false): string | undefined {
  const unclosedAt = text.replace(templatePattern, (match) => ' '.repeat(match.length)).indexOf('{{');
  if (unclosedAt >= 0) return `"{{" at character ${unclosedAt + 1} has no closing "}}"`;
  for (const [, name = ''] of text.matchAll(templatePattern)) {
    if (knownVariables.has(name)) continue;
    if (foundVariables.has(name)) {
      if (hasFind) continue;
      return `{{${name}}} needs a "find:" in this turn (it names the mail that "found" stands for)`;
    }
    if (name.startsWith(resultPrefix)) {
      const tool = name.slice(resultPrefix.length);
      if (toolsCalledBefore.has(tool)) continue;
      const called = toolsCalledBefore.size > 0 ? [...toolsCalledBefore].sort().join(', ') : 'none';
      return `{{${name}}} names tool "${tool}", which no earlier step of this turn calls (earlier steps call: ${called})`;
    }
    return `unknown template variable {{${name}}}; expected one of ${templateVariableNames.join(', ')} or result.<tool>`;
  }
  return undefined;
}

/** Every string anywhere in `value` (nested maps and lists included), with its path for error messages. */
export function stringsIn(value: unknown, path: string): Array<{ path: string; text: string }> {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringsIn(item, `${path}[${index}]`));
  if (isPlainMap(value)) return Object.entries(value).flatMap(([key, item]) => stringsIn(item, `${path}.${key}`));
  return [];
}

/** A copy of `value` with every string's templates filled in; throws when a `result.<tool>` is not there. */
export function renderTemplates(value: unknown, values: TemplateValues): unknown {
  if (typeof value === 'string') return renderTemplate(value, values);
  if (Array.isArray(value)) return value.map((item) => renderTemplates(item, values));
  if (isPlainMap(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderTemplates(item, values)]));
  return value;
}

export function renderTemplate(text: string, values: TemplateValues): string {
  return text.replace(templatePattern, (_match, name: string) => valueOf(name, values));
}

/** Raised while playing a step whose `result.<tool>` has no result in the conversation. */
export class MissingToolResultError extends Error {
  override name = 'MissingToolResultError';
  readonly tool: string;
  constructor(tool: string) {
    super(`{{result.${tool}}} has no value: the conversation holds no result of tool "${tool}"`);
    this.tool = tool;
  }
}

function valueOf(name: string, { view, mail, found, resultOf }: TemplateValues): string {
  if (foundVariables.has(name)) {
    if (!found) throw new Error(`{{${name}}}: no mail was found`);
    if (name === 'found.message_id') return found.messageId;
    if (name === 'found.subject') return found.subject;
    return bareAddress(found.from);
  }
  switch (name) {
    case 'mail.message_id': return mail.messageId;
    case 'mail.subject': return mail.subject;
    case 'mail.from': return bareAddress(mail.from);
    case 'mail.from_name': return displayName(mail.from);
    case 'mail.body': return mail.body;
    case 'thread.subject': return view.subject;
    case 'thread.first_message_id': return view.messages[0]?.messageId ?? mail.messageId;
    case 'self.name': return view.self.name;
    case 'self.address': return view.self.address;
  }
  const tool = name.slice(resultPrefix.length);
  const result = resultOf(tool);
  if (result === undefined) throw new MissingToolResultError(tool);
  return result;
}

/** The address of `Name <a@b>` or `a@b`, case kept (addressesIn lower-cases it, which is for comparing). */
export function bareAddress(from: string): string {
  const angle = /<([^>]+)>/.exec(from);
  return (angle?.[1] ?? from).trim();
}

/** The display name of `"Name" <a@b>`; for a bare address, its local part, so "Hi {{mail.from_name}}" still reads. */
function displayName(from: string): string {
  const angleAt = from.indexOf('<');
  const name = angleAt > 0 ? from.slice(0, angleAt).trim().replace(/^"(.*)"$/, '$1').trim() : '';
  if (name !== '') return name;
  const address = bareAddress(from);
  const at = address.indexOf('@');
  return at >= 0 ? address.slice(0, at) : address;
}

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
