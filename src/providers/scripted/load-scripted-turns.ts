// Loads and checks the YAML file of a scripted model (`model: scripted:<path>`): a deterministic agent for
// demos, tests and reproducible runs, with no API key and no network. Every mistake (missing file, bad YAML,
// unknown field, unknown template variable, malformed step) is a ModelSpecError naming the file, the turn
// and the field, raised when the swarm starts rather than in the middle of a run.
//
// Format:
//
//   # turns for one agent; the first turn whose `when` holds and whose `times` is not used up plays
//   turns:
//     - name: review the first patch          # required, for logs and error messages
//       when:                                 # all given conditions must hold for one NEW mail of the turn
//                                             # (newest first); that mail is `mail`. No `when`: the newest new mail
//         subject: "[PATCH"                   # case-insensitive substring of the mail's subject
//         from: builder                       # sender local part, or full address (case-insensitive)
//         body: "tests fail"                  # case-insensitive substring of the new text of the body
//         addressed: to                       # to | cc | any (default any): how this agent was addressed
//         thread_has: ["Reviewed-by:"]        # each text appears in the subject or body of some mail of the thread
//       find: { subject: "[PATCH v2", from: reviewer }   # optional: the newest mail of the thread (any status)
//                                             # matching subject/from/body is `found`; without one the turn does not play
//       times: 1                              # how many turns it may play in one run (default 1)
//       steps:                                # each step is one model response: a list of tool calls
//         - - run_tests: {}                   # (single-key maps: tool name, then its arguments)
//         - - reply:
//               body: |
//                 Tests fail on {{mail.subject}}:
//                 {{result.run_tests}}
//               to: [builder]
//         - no_reply: {reason: done}          # a step of one call may also be written as the map itself
//       text: "Reviewed."                     # optional final text after the last step
//
// A turn needs `steps`, `text` or both. Templates `{{...}}` may appear in any string argument (nested lists
// and maps included) and in `text`:
//   mail.message_id, mail.subject, mail.from (address), mail.from_name (display name, else the local part),
//   mail.body (new text only), thread.subject, thread.first_message_id (the oldest mail in the turn view),
//   found.message_id, found.subject, found.from (with `find`),
//   self.name, self.address, result.<tool> (content of the most recent result of that tool in this turn;
//   only tools called by an earlier step may be named).
// Tool names are checked against the agent's tools when the step plays. When no turn matches, the model
// calls `no_reply` with reason "scripted: no turn of <file> matches".
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ModelSpecError } from '../model-spec.ts';
import { isPlainMap, stringsIn, templateProblem } from './scripted-template.ts';

export const addressedConditions = ['to', 'cc', 'any'] as const;
export type AddressedCondition = (typeof addressedConditions)[number];

export interface ScriptedCondition {
  subject: string | undefined;
  from: string | undefined;
  body: string | undefined;
  addressed: AddressedCondition;
  /** Texts that must each appear in some mail of the thread (subject or body, any status). */
  threadHas: string[];
}

/** Picks `found`: the newest mail of the thread view, of any status, for which every given condition holds. */
export interface ScriptedFind {
  subject: string | undefined;
  from: string | undefined;
  body: string | undefined;
}

export interface ScriptedToolCall {
  tool: string;
  /** Arguments with their `{{...}}` templates still in place. */
  arguments: Record<string, unknown>;
}

export interface ScriptedTurn {
  name: string;
  when: ScriptedCondition;
  find: ScriptedFind | undefined;
  times: number;
  /** One entry per model response; each is the tool calls of that response. */
  steps: ScriptedToolCall[][];
  text: string | undefined;
}

export interface ScriptedTurns {
  /** Absolute path of the YAML file, for messages. */
  file: string;
  turns: ScriptedTurn[];
}

const nonEmptyText = z.string().min(1, 'must not be empty');

const conditionSchema = z.strictObject({
  subject: nonEmptyText.optional(),
  from: nonEmptyText.optional(),
  body: nonEmptyText.optional(),
  addressed: z.enum(addressedConditions).default('any'),
  thread_has: z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(nonEmptyText)).optional(),
});

const findSchema = z.strictObject({ subject: nonEmptyText.optional(), from: nonEmptyText.optional(), body: nonEmptyText.optional() });

const turnSchema = z.strictObject({
  name: nonEmptyText,
  // `when:` with nothing under it is YAML null: the same as leaving it out.
  when: z.preprocess((value) => value ?? {}, conditionSchema),
  find: findSchema.optional(),
  times: z.number().int().positive().default(1),
  steps: z.preprocess((value) => value ?? [], z.array(z.unknown())),
  text: z.string().optional(),
});

const fileSchema = z.strictObject({ turns: z.array(turnSchema).min(1, 'needs at least one turn') });

/** Reads `file` (absolute); `spec` is the model string as written, for the error messages. */
export function loadScriptedTurns(file: string, spec: string): ScriptedTurns {
  const fail = (problem: string, cause?: unknown): never => {
    const error = new ModelSpecError(spec, `${file}: ${problem}`, { showForms: false });
    if (cause !== undefined) error.cause = cause;
    throw error;
  };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'the scripted model file does not exist' : `cannot read the scripted model file: ${(error as Error).message}`, error);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    return fail(`invalid YAML: ${(error as Error).message}`, error);
  }
  if (!isPlainMap(document)) return fail('the file must be a YAML mapping with a "turns:" list');
  const parsed = fileSchema.safeParse(document);
  if (!parsed.success) return fail(parsed.error.issues.map((issue) => `${whereIs(issue.path, document)}: ${describeIssue(issue)}`).join('; '));

  const turns = parsed.data.turns.map((turn, index): ScriptedTurn => {
    const label = `turn ${index + 1} ("${turn.name}")`;
    if (turn.steps.length === 0 && turn.text === undefined) fail(`${label}: needs "steps", "text" or both`);
    const steps = turn.steps.map((step, stepIndex) => parseStep(step, `${label}, field "steps", step ${stepIndex + 1}`, fail));
    checkTemplates(steps, turn.text, turn.find !== undefined, label, fail);
    return {
      name: turn.name,
      when: { subject: turn.when.subject, from: turn.when.from, body: turn.when.body, addressed: turn.when.addressed, threadHas: turn.when.thread_has ?? [] },
      find: turn.find ? { subject: turn.find.subject, from: turn.find.from, body: turn.find.body } : undefined,
      times: turn.times,
      steps,
      text: turn.text,
    };
  });
  return { file, turns };
}

/** A step is a list of single-key maps `{ <tool>: <arguments> }`; a lone single-key map is a one-call step. */
function parseStep(step: unknown, label: string, fail: (problem: string) => never): ScriptedToolCall[] {
  const calls = Array.isArray(step) ? step : isPlainMap(step) && Object.keys(step).length === 1 ? [step] : undefined;
  if (calls === undefined) {
    const got = isPlainMap(step) ? `a map with keys ${Object.keys(step).join(', ') || '(none)'}` : describeValue(step);
    return fail(`${label}: expected a list of tool calls, each a map with one key (the tool name), e.g. "- - reply: {body: hi}"; got ${got}`);
  }
  if (calls.length === 0) return fail(`${label}: has no tool calls`);
  return calls.map((call, callIndex) => {
    const where = `${label}, call ${callIndex + 1}`;
    if (!isPlainMap(call) || Object.keys(call).length !== 1) {
      const got = isPlainMap(call) ? `a map with keys ${Object.keys(call).join(', ') || '(none)'}` : describeValue(call);
      return fail(`${where}: a tool call must be a map with exactly one key, the tool name (e.g. "reply: {body: hi}"); got ${got}`);
    }
    const [tool = '', argumentsValue] = Object.entries(call)[0] ?? [];
    if (argumentsValue !== null && argumentsValue !== undefined && !isPlainMap(argumentsValue)) {
      return fail(`${where}: the arguments of "${tool}" must be a map (write {} for none); got ${describeValue(argumentsValue)}`);
    }
    return { tool, arguments: argumentsValue ?? {} };
  });
}

/** `result.<tool>` may only name a tool of an earlier step: its result is in the conversation by then. */
function checkTemplates(steps: ScriptedToolCall[][], text: string | undefined, hasFind: boolean, label: string, fail: (problem: string) => never): void {
  const calledBefore = new Set<string>();
  steps.forEach((step, stepIndex) => {
    for (const call of step) {
      for (const found of stringsIn(call.arguments, call.tool)) {
        const problem = templateProblem(found.text, calledBefore, hasFind);
        if (problem) fail(`${label}, field "steps", step ${stepIndex + 1}, argument "${found.path}": ${problem}`);
      }
    }
    for (const call of step) calledBefore.add(call.tool);
  });
  const problem = text === undefined ? undefined : templateProblem(text, calledBefore, hasFind);
  if (problem) fail(`${label}, field "text": ${problem}`);
}

/** `turns[1].when.addressed` becomes `turn 2 ("name"), field "when.addressed"`. */
function whereIs(path: PropertyKey[], document: Record<string, unknown>): string {
  if (path[0] !== 'turns' || typeof path[1] !== 'number') return `field "${path.map(String).join('.') || '(root)'}"`;
  const turn = Array.isArray(document.turns) ? (document.turns[path[1]] as unknown) : undefined;
  const name = isPlainMap(turn) && typeof turn.name === 'string' ? ` ("${turn.name}")` : '';
  const rest = path.slice(2).map(String).join('.');
  return `turn ${path[1] + 1}${name}${rest === '' ? '' : `, field "${rest}"`}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return 'is required';
  return issue.message;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return `${typeof value} ${JSON.stringify(value)}`;
}
