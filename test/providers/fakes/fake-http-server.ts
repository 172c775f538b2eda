// The shared core of the vendor fakes: an HTTP server on 127.0.0.1 port 0 that records every request,
// checks route and auth the vendor's way, and answers from a script of steps (text, tool call, error,
// hang, malformed JSON). The vendor files only say how a step looks on their wire.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
}

export type FakeStep =
  /** A final answer. */
  | { kind: 'text'; text: string; usage?: FakeUsage }
  /** The model asks for a tool (optionally with some text before it); `id` overrides the fake's call id. */
  | { kind: 'tool_call'; name: string; arguments: Record<string, unknown>; text?: string; id?: string; usage?: FakeUsage }
  /** An HTTP error with the vendor's error body; `headers` e.g. { 'retry-after': '1' }. */
  | { kind: 'error'; status: number; message?: string; headers?: Record<string, string>; details?: unknown[] }
  /** Accept the request and never answer (until the server closes). */
  | { kind: 'hang' }
  /** 200 with a body that is not JSON. */
  | { kind: 'malformed' };

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/messages`. */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: any;
  /** Vendor-neutral view of the conversation sent, for `respond` functions (see replyThenFinish). */
  conversation: ConversationView;
}

export interface ConversationView {
  /** The request ends with tool results (the model's tool call was answered). */
  endsWithToolResult: boolean;
  /** The text of the latest user message that has text ('' if none). */
  lastUserText: string;
}

export interface FakeServerOptions {
  /** Steps answered in order, one per model request (auth/route failures consume none). */
  script?: FakeStep[];
  /** Consulted when the script is used up; default: `{ kind: 'text', text: 'ok' }`. */
  respond?: (request: RecordedRequest) => FakeStep;
  /** The key the fake accepts; default: any non-empty key. */
  apiKey?: string;
}

export interface FakeServer {
  /** The base URL to give the vendor SDK (and its *_BASE_URL variable). */
  baseURL: string;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Every request that reached the fake, in order (including rejected ones). */
  requests: RecordedRequest[];
  /** Appends steps to the script. */
  enqueue(...steps: FakeStep[]): void;
  close(): Promise<void>;
}

export interface VendorWire {
  /** Why this request is not the vendor's endpoint, or undefined when it is. */
  routeProblem(request: RecordedRequest): string | undefined;
  /** Why the credentials are not acceptable, or undefined when they are. */
  authProblem(request: RecordedRequest, apiKey: string | undefined): string | undefined;
  errorBody(status: number, message: string, details?: unknown[]): unknown;
  /** The success body for a text or tool_call step; `sequence` counts model answers from 1. */
  successBody(step: Extract<FakeStep, { kind: 'text' | 'tool_call' }>, request: RecordedRequest, sequence: number): unknown;
  describeConversation(body: any): ConversationView;
  /** The base URL path the SDK expects after the origin ('' or '/v1'). */
  baseURLPath: string;
}

/**
 * A `respond` function for end-to-end tests: each turn first calls `toolName` with the arguments built
 * from the request (e.g. `{ body: ... }`), and once the tool result comes back answers with `finalText`.
 */
export function replyThenFinish(options: {
  toolName?: string;
  arguments: (request: RecordedRequest) => Record<string, unknown>;
  finalText?: string;
}): (request: RecordedRequest) => FakeStep {
  return (request) =>
    request.conversation.endsWithToolResult
      ? { kind: 'text', text: options.finalText ?? 'Done.' }
      : { kind: 'tool_call', name: options.toolName ?? 'reply', arguments: options.arguments(request) };
}

export const DEFAULT_USAGE: FakeUsage = { inputTokens: 11, outputTokens: 7 };

export async function startFakeHttpServer(wire: VendorWire, options: FakeServerOptions = {}): Promise<FakeServer> {
  const script = [...(options.script ?? [])];
  const requests: RecordedRequest[] = [];
  let answered = 0;
  let closing: Promise<void> | undefined;

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody === '' ? undefined : JSON.parse(rawBody);
      } catch {
        body = undefined; // recorded as raw text; the vendor check below reports it
      }
      const conversation = body === undefined ? { endsWithToolResult: false, lastUserText: '' } : wire.describeConversation(body);
      const request: RecordedRequest = { method: incoming.method ?? '', path: incoming.url ?? '', headers: incoming.headers, rawBody, body, conversation };
      requests.push(request);

      const routeProblem = wire.routeProblem(request);
      if (routeProblem) return sendJson(response, 404, wire.errorBody(404, routeProblem));
      const authProblem = wire.authProblem(request, options.apiKey);
      if (authProblem) return sendJson(response, 401, wire.errorBody(401, authProblem));
      if (body === undefined) return sendJson(response, 400, wire.errorBody(400, 'request body is not JSON'));

      const step = script.shift() ?? options.respond?.(request) ?? { kind: 'text', text: 'ok' };
      switch (step.kind) {
        case 'hang':
          return; // the socket stays open until close() destroys it
        case 'malformed':
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"id": "truncated", "content": [');
          return;
        case 'error':
          return sendJson(response, step.status, wire.errorBody(step.status, step.message ?? `scripted ${step.status}`, step.details), step.headers);
        default:
          answered += 1;
          return sendJson(response, 200, wire.successBody(step, request, answered));
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseURL: `${origin}${wire.baseURLPath}`,
    origin,
    requests,
    enqueue: (...steps) => void script.push(...steps),
    close: () => {
      // Idempotent: a test may close early (to simulate an unreachable server) and again in afterEach.
      closing ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      return closing;
    },
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}
