// `--record DIR`: wraps each agent's model so every request and its response (or error) is appended to
// DIR/<agent>.jsonl (format in recorded-call.ts) before the caller sees it. Lines are written synchronously,
// so a recording stays readable up to the last finished call even after kill -9; replay-model.ts plays it back.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import type { LanguageModel, ModelRequest, ModelResponse, Vendor } from '../model.ts';
import { ModelError } from '../model.ts';
import { recordedRequest, recordingFile, type RecordedError } from './recorded-call.ts';

export class ModelRecorder {
  readonly dir: string;
  /** Calls recorded per agent: a second wrap of the same agent (its model re-created) continues the numbering. */
  private readonly callCounts = new Map<string, { count: number }>();

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  /** The first wrap of an agent starts its file afresh: a recording is of one run, not of several. */
  wrap(agentName: string, model: LanguageModel): LanguageModel {
    const file = recordingFile(this.dir, agentName);
    let counter = this.callCounts.get(agentName);
    if (!counter) {
      writeFileSync(file, '');
      counter = { count: 0 };
      this.callCounts.set(agentName, counter);
    }
    return new RecordingModel(model, file, counter);
  }
}

export class RecordingModel implements LanguageModel {
  readonly id: string;
  readonly vendor: Vendor;
  readonly file: string;
  private readonly inner: LanguageModel;
  private readonly counter: { count: number };

  constructor(inner: LanguageModel, file: string, counter: { count: number }) {
    this.inner = inner;
    this.id = inner.id;
    this.vendor = inner.vendor;
    this.file = file;
    this.counter = counter;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    // Serialized before the call: the runtime appends to `messages` once it has the response.
    const requestJson = JSON.stringify(recordedRequest(request));
    let response: ModelResponse;
    try {
      response = await this.inner.generate(request);
    } catch (error) {
      this.append(requestJson, 'error', recordedError(error));
      throw error;
    }
    this.append(requestJson, 'response', response);
    return response;
  }

  /** The sequence number is taken when the line is written, so lines stay in order even if calls overlapped. */
  private append(requestJson: string, outcome: 'response' | 'error', value: ModelResponse | RecordedError): void {
    this.counter.count += 1;
    const head = `{"seq":${this.counter.count},"modelId":${JSON.stringify(this.id)},"vendor":${JSON.stringify(this.vendor)}`;
    appendFileSync(this.file, `${head},"request":${requestJson},"${outcome}":${JSON.stringify(value)}}\n`);
  }
}

function recordedError(error: unknown): RecordedError {
  if (error instanceof ModelError) return { kind: error.kind, message: error.message, retryable: error.retryable, status: error.status ?? null };
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: null, message, retryable: false, status: null };
}
