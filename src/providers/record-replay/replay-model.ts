// `--replay DIR`: answers an agent's model calls from DIR/<agent>.jsonl (recorded-call.ts), so a run made with
// real models can be reproduced without keys or network. Call n gets recorded call n (its response, or its
// error thrown again as a ModelError), after checking that the conversation took the same shape: the same
// message roles, assistant tool-call names and tool-result names. Texts may differ (dates, Message-IDs).
import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { LanguageModel, ModelRequest, ModelResponse, Vendor } from '../model.ts';
import { ModelError } from '../model.ts';
import { recordingFile, requestFingerprint, type RecordedCall } from './recorded-call.ts';

/** A recording that cannot be read or does not have the recorded-call.ts format. */
export class ReplayFileError extends Error {
  override name = 'ReplayFileError';
  readonly file: string;
  readonly line: number | undefined;
  constructor(file: string, line: number | undefined, problem: string, options?: { cause?: unknown }) {
    super(`replay ${file}${line === undefined ? '' : `, line ${line}`}: ${problem}`, options);
    this.file = file;
    this.line = line;
  }
}

const vendors = ['anthropic', 'openai', 'openai-compatible', 'gemini', 'offline', 'scripted'] as const satisfies readonly Vendor[];
const errorKinds = ['rate_limit', 'server', 'timeout', 'auth', 'bad_request', 'malformed', 'network', 'aborted'] as const;

// Loose objects: extra fields (providerContent, fields added later) pass through untouched.
const toolCallSchema = z.looseObject({ id: z.string(), name: z.string(), arguments: z.record(z.string(), z.unknown()) });
const assistantSchema = z.looseObject({ role: z.literal('assistant'), text: z.string(), toolCalls: z.array(toolCallSchema) });
const messageSchema = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('user'), content: z.string() }),
  assistantSchema,
  z.looseObject({ role: z.literal('tool'), results: z.array(z.looseObject({ callId: z.string(), name: z.string(), content: z.string() })) }),
]);
const callSchema = z.looseObject({
  seq: z.number().int().positive(),
  modelId: z.string().min(1),
  vendor: z.enum(vendors),
  request: z.looseObject({ system: z.string(), messages: z.array(messageSchema), tools: z.array(z.string()) }),
  response: z
    .looseObject({
      text: z.string(),
      toolCalls: z.array(toolCallSchema),
      usage: z.looseObject({ inputTokens: z.number(), outputTokens: z.number() }),
      stopReason: z.enum(['end', 'tool_use', 'max_tokens', 'refusal', 'other']),
      message: assistantSchema,
    })
    .optional(),
  error: z
    .looseObject({ kind: z.enum(errorKinds).nullable(), message: z.string(), retryable: z.boolean(), status: z.number().int().nullable() })
    .optional(),
});

export class ReplayModel implements LanguageModel {
  readonly id: string;
  readonly vendor: Vendor;
  readonly file: string;
  private readonly calls: RecordedCall[];
  private nextCall = 0;

  private constructor(file: string, calls: RecordedCall[], agentName: string) {
    this.file = file;
    this.calls = calls;
    // An agent that was never called has nothing to reproduce; its id only shows in logs.
    this.id = calls[0]?.modelId ?? `replay:${agentName}`;
    this.vendor = calls[0]?.vendor ?? 'offline';
  }

  /** Reads DIR/<agent>.jsonl; throws ReplayFileError naming the file (and line) when it is missing or malformed. */
  static load(dir: string, agentName: string): ReplayModel {
    const file = recordingFile(dir, agentName);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new ReplayFileError(file, undefined, missing ? `no recording of agent "${agentName}" (was it recorded with --record ${dir}?)` : (error as Error).message, {
        cause: error,
      });
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const calls = lines.map((line, index) => parseCall(file, index + 1, line));
    return new ReplayModel(file, calls, agentName);
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const number = this.nextCall + 1;
    const recorded = this.calls[this.nextCall];
    const actual = requestFingerprint(request.messages);
    if (!recorded) {
      throw diverged(`replay ${this.file}: call ${number} diverged: expected no call (the recording has ${this.calls.length}), got one with messages ${actual.join(', ')}`);
    }
    const expected = requestFingerprint(recorded.request.messages);
    const differsAt = firstDifference(expected, actual);
    if (differsAt !== undefined) {
      throw diverged(
        `replay ${this.file}: call ${number} diverged at message ${differsAt + 1}: expected ${expected[differsAt] ?? '(no message)'}, got ${actual[differsAt] ?? '(no message)'} ` +
          `(recorded messages: ${expected.join(', ')}; now: ${actual.join(', ')})`,
      );
    }
    this.nextCall += 1;
    if (recorded.error) {
      const { kind, message, retryable, status } = recorded.error;
      if (kind === null) throw new Error(`replayed error of call ${number}: ${message}`);
      throw new ModelError(kind, message, { retryable, ...(status === null ? {} : { status }) });
    }
    // A copy: the runtime may keep and extend the message it is given.
    return structuredClone(recorded.response);
  }
}

/** The agents with a recording in `dir` (names of its *.jsonl files), sorted. */
export function recordedAgents(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new ReplayFileError(dir, undefined, `cannot read the recording directory: ${(error as Error).message}`, { cause: error });
  }
  return names
    .filter((name) => name.endsWith('.jsonl'))
    .map((name) => name.slice(0, -'.jsonl'.length))
    .sort();
}

function parseCall(file: string, line: number, text: string): RecordedCall {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ReplayFileError(file, line, `not a JSON line: ${(error as Error).message}`, { cause: error });
  }
  const parsed = callSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `field "${issue.path.map(String).join('.') || '(root)'}": ${issue.message}`);
    throw new ReplayFileError(file, line, problems.join('; '));
  }
  const call = parsed.data;
  if (call.seq !== line) throw new ReplayFileError(file, line, `field "seq" is ${call.seq}, expected ${line} (calls are numbered from 1 in file order)`);
  if ((call.response === undefined) === (call.error === undefined)) throw new ReplayFileError(file, line, 'needs exactly one of "response" and "error"');
  return call as RecordedCall;
}

function firstDifference(expected: string[], actual: string[]): number | undefined {
  for (let index = 0; index < Math.max(expected.length, actual.length); index++) {
    if (expected[index] !== actual[index]) return index;
  }
  return undefined;
}

function diverged(message: string): ModelError {
  return new ModelError('bad_request', message, { retryable: false });
}
