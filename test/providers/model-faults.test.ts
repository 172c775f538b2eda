// Acceptance 2 of issue 5: 429 with Retry-After, 500, a hung connection past the timeout, malformed JSON,
// a bad key and a caller abort each end in a retry or a typed ModelError within bounded time, for every
// vendor, with no unhandled rejection. A short timeout (300 ms) for the hang and one retry keep it quick; no timing asserts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../../src/providers/create-model.ts';
import { ModelError, type LanguageModel, type ModelRequest } from '../../src/providers/model.ts';
import { startFakeAnthropicServer } from './fakes/anthropic-fake-server.ts';
import type { FakeServer, FakeServerOptions } from './fakes/fake-http-server.ts';
import { startFakeGeminiServer } from './fakes/gemini-fake-server.ts';
import { startFakeOpenAiServer } from './fakes/openai-fake-server.ts';

interface VendorCase {
  name: string;
  start(options: FakeServerOptions): Promise<FakeServer>;
  model(fake: FakeServer, timeoutMs?: number): LanguageModel;
}

// Only the hang test needs the short timeout; elsewhere a roomy one keeps a loaded machine from turning a
// slow answer into a spurious timeout.
const HANG_TIMEOUT_MS = 300;
const FAST = { timeoutMs: 5_000, maxRetries: 1, allowOfflineFallback: false } as const;

const VENDORS: VendorCase[] = [
  {
    name: 'anthropic',
    start: startFakeAnthropicServer,
    model: (fake, timeoutMs = FAST.timeoutMs) => createModel('anthropic:claude-sonnet-5-5', { ...FAST, timeoutMs, env: { ANTHROPIC_API_KEY: 'test-key' }, baseURL: fake.baseURL }).model,
  },
  {
    name: 'openai',
    start: startFakeOpenAiServer,
    model: (fake, timeoutMs = FAST.timeoutMs) => createModel('openai:gpt-6.2-astra', { ...FAST, timeoutMs, env: { OPENAI_API_KEY: 'test-key' }, baseURL: fake.baseURL }).model,
  },
  {
    name: 'openai-compatible',
    start: startFakeOpenAiServer,
    model: (fake, timeoutMs = FAST.timeoutMs) => createModel(`openai-compatible:qwen3@${fake.baseURL}`, { ...FAST, timeoutMs, env: {} }).model,
  },
  {
    name: 'gemini',
    start: startFakeGeminiServer,
    model: (fake, timeoutMs = FAST.timeoutMs) => createModel('gemini:gemini-3.8-flash', { ...FAST, timeoutMs, env: { GEMINI_API_KEY: 'test-key' }, baseURL: fake.baseURL }).model,
  },
];

const REQUEST: ModelRequest = { system: 'You are a test agent.', messages: [{ role: 'user', content: 'hello' }], tools: [] };

const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeAll(() => void process.on('unhandledRejection', recordUnhandled));
afterAll(() => {
  process.off('unhandledRejection', recordUnhandled);
  expect(unhandled).toEqual([]);
});

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function expectModelError(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

describe.each(VENDORS)('$name faults', (vendor) => {
  async function setUp(options: FakeServerOptions, timeoutMs?: number) {
    const fake = await vendor.start(options);
    servers.push(fake);
    return { fake, model: vendor.model(fake, timeoutMs) };
  }

  it('retries a 429 with Retry-After and then succeeds', async () => {
    const { fake, model } = await setUp({
      script: [{ kind: 'error', status: 429, message: 'slow down', headers: { 'retry-after': '1' } }, { kind: 'text', text: 'after the pause' }],
    });
    const response = await model.generate(REQUEST);
    expect(response.text).toBe('after the pause');
    expect(fake.requests).toHaveLength(2);
  });

  it('gives up on repeated 500 with a retryable server error', async () => {
    const { fake, model } = await setUp({ respond: () => ({ kind: 'error', status: 500, message: 'internal trouble' }) });
    const error = await expectModelError(model.generate(REQUEST));
    expect(error).toMatchObject({ kind: 'server', status: 500, retryable: true });
    expect(error.message).toContain('internal trouble');
    expect(fake.requests).toHaveLength(2); // first attempt + maxRetries 1
  });

  it('turns a hung connection into a retryable timeout', async () => {
    const { fake, model } = await setUp({ respond: () => ({ kind: 'hang' }) }, HANG_TIMEOUT_MS);
    const error = await expectModelError(model.generate(REQUEST));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(fake.requests).toHaveLength(2);
  });

  it('turns malformed JSON into a malformed error', async () => {
    const { model } = await setUp({ respond: () => ({ kind: 'malformed' }) });
    const error = await expectModelError(model.generate(REQUEST));
    expect(error.kind).toBe('malformed');
  });

  it('does not retry a rejected key', async () => {
    const { fake, model } = await setUp({ apiKey: 'another-key' });
    if (vendor.name === 'openai-compatible') return; // sends a placeholder key; covered by openai
    const error = await expectModelError(model.generate(REQUEST));
    expect(error).toMatchObject({ kind: 'auth', status: 401, retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it('reports a caller abort as aborted, not as a timeout', async () => {
    const { fake, model } = await setUp({ respond: () => ({ kind: 'hang' }) });
    const controller = new AbortController();
    const pending = model.generate({ ...REQUEST, signal: controller.signal });
    // Abort once the request is on the server, so the abort cuts a live request.
    await waitForRequest(fake);
    controller.abort();
    const error = await expectModelError(pending);
    expect(error).toMatchObject({ kind: 'aborted', retryable: false });
  });

  it('reports an unreachable server as a network error', async () => {
    const { fake, model } = await setUp({});
    await fake.close();
    const error = await expectModelError(model.generate(REQUEST));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
  });
});

describe('gemini Retry-After handling (the SDK ignores it; our retry loop reads it)', () => {
  it('does not wait for a Retry-After beyond the cap and reports rate_limit at once', async () => {
    const fake = await startFakeGeminiServer({ respond: () => ({ kind: 'error', status: 429, headers: { 'retry-after': '3600' } }) });
    servers.push(fake);
    const { model } = createModel('gemini:gemini-3.8-flash', { ...FAST, maxRetries: 3, env: { GEMINI_API_KEY: 'k' }, baseURL: fake.baseURL });
    const error = await expectModelError(model.generate(REQUEST));
    expect(error).toMatchObject({ kind: 'rate_limit', status: 429, retryable: true });
    expect(fake.requests).toHaveLength(1);
  });

  it('reads the RetryInfo retryDelay of the error body', async () => {
    const retryInfo = (delay: string) => [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: delay }];
    const fake = await startFakeGeminiServer({
      script: [{ kind: 'error', status: 429, details: retryInfo('0.2s') }, { kind: 'text', text: 'fine now' }, { kind: 'error', status: 429, details: retryInfo('7200s') }],
    });
    servers.push(fake);
    const { model } = createModel('gemini:gemini-3.8-flash', { ...FAST, maxRetries: 3, env: { GEMINI_API_KEY: 'k' }, baseURL: fake.baseURL });
    expect((await model.generate(REQUEST)).text).toBe('fine now');
    expect(fake.requests).toHaveLength(2);
    const error = await expectModelError(model.generate(REQUEST));
    expect(error.kind).toBe('rate_limit');
    expect(fake.requests).toHaveLength(3);
  });
});

async function waitForRequest(fake: FakeServer): Promise<void> {
  const { waitFor } = await import('../helpers/wait-for.ts');
  await waitFor(() => fake.requests.length > 0, { what: 'the request to reach the fake' });
}
