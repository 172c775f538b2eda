// The recording format shared by `--record DIR` (model-recorder.ts) and `--replay DIR` (replay-model.ts):
// one file per agent, DIR/<agent>.jsonl, one JSON line per model call in call order:
//   { "seq": 1, "modelId": "anthropic:claude-sonnet-4-5", "vendor": "anthropic",
//     "request": { "system": "...", "messages": [ChatMessage...], "tools": ["reply", "no_reply"] },
//     "response": ModelResponse }
// or, for a call that failed, "error": { "kind": "rate_limit", "message": "...", "retryable": true, "status": 429 }
// instead of "response" (kind is null for an error that was not a ModelError). Also the request
// fingerprint replay compares: what the conversation did, not what the texts said (dates differ per run).
import { join } from 'node:path';
import type { ChatMessage, ModelErrorKind, ModelRequest, ModelResponse, Vendor } from '../model.ts';

export interface RecordedRequest {
  system: string;
  messages: ChatMessage[];
  /** Tool names only: the zod schemas are code, not data. */
  tools: string[];
}

export interface RecordedError {
  /** null when the inner model threw something other than a ModelError. */
  kind: ModelErrorKind | null;
  message: string;
  retryable: boolean;
  status: number | null;
}

export type RecordedCall = { seq: number; modelId: string; vendor: Vendor; request: RecordedRequest } & (
  | { response: ModelResponse; error?: undefined }
  | { error: RecordedError; response?: undefined }
);

/** Agent names become file names: only mailbox-local-part characters, so nothing escapes DIR. */
const agentNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function recordingFile(dir: string, agentName: string): string {
  if (!agentNamePattern.test(agentName)) {
    throw new Error(`cannot record or replay agent "${agentName}": its name must be letters, digits, ".", "_" or "-" (it names the file <agent>.jsonl)`);
  }
  return join(dir, `${agentName}.jsonl`);
}

export function recordedRequest(request: ModelRequest): RecordedRequest {
  return { system: request.system, messages: request.messages, tools: request.tools.map((tool) => tool.name) };
}

/** One entry per message: its role, plus the tool names of an assistant's calls or of tool results. */
export function requestFingerprint(messages: readonly ChatMessage[]): string[] {
  return messages.map((message) => {
    if (message.role === 'assistant') return `assistant[${message.toolCalls.map((call) => call.name).join(',')}]`;
    if (message.role === 'tool') return `tool[${message.results.map((result) => result.name).join(',')}]`;
    return message.role;
  });
}
