// Acceptance 3 and 4 of issue 5: base URLs from the vendors' own environment variables reach the fakes;
// a missing key is refused without fallback and falls back to the offline model (saying why) with it;
// the model id is the configured spec exactly.
import { afterEach, describe, expect, it } from 'vitest';
import { createModel } from '../../src/providers/create-model.ts';
import { MissingApiKeyError } from '../../src/providers/missing-api-key-error.ts';
import { ModelSpecError } from '../../src/providers/model-spec.ts';
import type { ModelRequest } from '../../src/providers/model.ts';
import { startFakeAnthropicServer } from './fakes/anthropic-fake-server.ts';
import type { FakeServer, FakeServerOptions } from './fakes/fake-http-server.ts';
import { startFakeGeminiServer } from './fakes/gemini-fake-server.ts';
import { startFakeOpenAiServer } from './fakes/openai-fake-server.ts';

const REQUEST: ModelRequest = { system: 'You are a test agent.', messages: [{ role: 'user', content: 'hello' }], tools: [] };

const servers: FakeServer[] = [];
const savedEnv = { ...process.env };
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
  Object.assign(process.env, savedEnv);
});

const ENV_CASES = [
  { spec: 'anthropic:claude-sonnet-5-5', start: startFakeAnthropicServer, keyVariable: 'ANTHROPIC_API_KEY', baseVariable: 'ANTHROPIC_BASE_URL' },
  { spec: 'openai:gpt-6.2-astra', start: startFakeOpenAiServer, keyVariable: 'OPENAI_API_KEY', baseVariable: 'OPENAI_BASE_URL' },
  { spec: 'gemini:gemini-3.8-flash', start: startFakeGeminiServer, keyVariable: 'GEMINI_API_KEY', baseVariable: 'GOOGLE_GEMINI_BASE_URL' },
] as const;

async function startFake(start: (options: FakeServerOptions) => Promise<FakeServer>): Promise<FakeServer> {
  const fake = await start({ script: [{ kind: 'text', text: 'from the fake' }] });
  servers.push(fake);
  return fake;
}

describe.each(ENV_CASES)('$baseVariable', ({ spec, start, keyVariable, baseVariable }) => {
  it('is honoured from an explicit env', async () => {
    const fake = await startFake(start);
    const { model, fellBackToOffline } = createModel(spec, {
      env: { [keyVariable]: 'test-key', [baseVariable]: fake.baseURL },
      allowOfflineFallback: false,
    });
    expect(fellBackToOffline).toBe(false);
    expect(model.id).toBe(spec);
    expect((await model.generate(REQUEST)).text).toBe('from the fake');
    expect(fake.requests).toHaveLength(1);
  });

  it('is honoured from process.env (the SDK default path)', async () => {
    const fake = await startFake(start);
    process.env[keyVariable] = 'test-key';
    process.env[baseVariable] = fake.baseURL;
    const { model } = createModel(spec, { allowOfflineFallback: false });
    expect((await model.generate(REQUEST)).text).toBe('from the fake');
    expect(fake.requests).toHaveLength(1);
  });

  it("loses to the agent's baseURL", async () => {
    const fake = await startFake(start);
    const { model } = createModel(spec, {
      env: { [keyVariable]: 'test-key', [baseVariable]: 'http://127.0.0.1:9/never-used' },
      baseURL: fake.baseURL,
      allowOfflineFallback: false,
    });
    expect((await model.generate(REQUEST)).text).toBe('from the fake');
  });
});

describe('missing keys', () => {
  it.each([
    ['anthropic:claude-sonnet-5-5', /ANTHROPIC_API_KEY/],
    ['openai:gpt-6.2-astra', /OPENAI_API_KEY/],
    ['gemini:gemini-3.8-flash', /GOOGLE_API_KEY or GEMINI_API_KEY/],
  ])('refuses %s without fallback, naming the variable', (spec, variable) => {
    expect(() => createModel(spec, { env: {}, allowOfflineFallback: false })).toThrow(MissingApiKeyError);
    expect(() => createModel(spec, { env: { ANTHROPIC_API_KEY: '  ' }, allowOfflineFallback: false })).toThrow(variable);
  });

  it('falls back to the offline model when allowed, saying why', async () => {
    const { model, fellBackToOffline, reason } = createModel('anthropic:claude-sonnet-5-5', { env: {}, allowOfflineFallback: true });
    expect(fellBackToOffline).toBe(true);
    expect(model.vendor).toBe('offline');
    // X-Mailswarm-Model must not claim Claude wrote what the offline model wrote.
    expect(model.id).toBe('offline:anthropic:claude-sonnet-5-5');
    expect(reason).toContain('ANTHROPIC_API_KEY');
    const response = await model.generate(REQUEST);
    expect(response.usage.inputTokens).toBeGreaterThanOrEqual(0);
  });

  it('accepts GOOGLE_API_KEY for gemini', () => {
    const { model, fellBackToOffline } = createModel('gemini:gemini-3.8-flash', { env: { GOOGLE_API_KEY: 'k' }, allowOfflineFallback: false });
    expect(fellBackToOffline).toBe(false);
    expect(model.vendor).toBe('gemini');
  });
});

describe('other configurations', () => {
  it('builds the offline model for "offline" without falling back', () => {
    const { model, fellBackToOffline } = createModel('offline', { env: {}, allowOfflineFallback: false });
    expect(model).toMatchObject({ id: 'offline', vendor: 'offline' });
    expect(fellBackToOffline).toBe(false);
  });

  it("takes an openai-compatible base URL from the agent's baseURL", async () => {
    const fake = await startFake(startFakeOpenAiServer);
    const { model } = createModel('openai-compatible:llama3.1', { env: {}, baseURL: fake.baseURL, allowOfflineFallback: false });
    expect(model.vendor).toBe('openai-compatible');
    expect((await model.generate(REQUEST)).text).toBe('from the fake');
    expect(fake.requests[0]!.body.model).toBe('llama3.1');
  });

  it('sends OPENAI_COMPATIBLE_API_KEY to a compatible server that wants one', async () => {
    const fake = await startFakeOpenAiServer({ apiKey: 'vllm-secret' });
    servers.push(fake);
    const { model } = createModel(`openai-compatible:qwen3@${fake.baseURL}`, { env: { OPENAI_COMPATIBLE_API_KEY: 'vllm-secret' }, allowOfflineFallback: false });
    await model.generate(REQUEST);
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer vllm-secret');
  });

  it('refuses openai-compatible with no base URL, or with two different ones', () => {
    expect(() => createModel('openai-compatible:llama3.1', { env: {}, allowOfflineFallback: true })).toThrow(/needs a base URL/);
    expect(() =>
      createModel('openai-compatible:llama3.1@http://127.0.0.1:1/v1', { env: {}, baseURL: 'http://127.0.0.1:2/v1', allowOfflineFallback: true }),
    ).toThrow(ModelSpecError);
  });

  it('refuses a bad spec and a bad base URL before looking at keys', () => {
    expect(() => createModel('gpt-6.2-astra', { env: {}, allowOfflineFallback: true })).toThrow(ModelSpecError);
    expect(() => createModel('openai:gpt-6.2-astra', { env: { OPENAI_API_KEY: 'k' }, baseURL: 'not a url', allowOfflineFallback: false })).toThrow(
      /baseURL "not a url" is not a valid URL/,
    );
    expect(() => createModel('openai:gpt-6.2-astra', { env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'ftp://x' }, allowOfflineFallback: false })).toThrow(
      /OPENAI_BASE_URL "ftp:\/\/x" is not an http\(s\) URL/,
    );
  });
});
