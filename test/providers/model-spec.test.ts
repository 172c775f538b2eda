// Acceptance 4 (first half) of issue 5: model strings parse into vendor/model/base URL, and anything else
// is refused with a message naming the accepted forms.
import { describe, expect, it } from 'vitest';
import { ModelSpecError, parseModelSpec } from '../../src/providers/model-spec.ts';

describe('parseModelSpec', () => {
  it.each([
    ['anthropic:claude-sonnet-5-5', { vendor: 'anthropic', model: 'claude-sonnet-5-5' }],
    ['openai:gpt-6.2-astra', { vendor: 'openai', model: 'gpt-6.2-astra' }],
    ['gemini:gemini-3.8-flash', { vendor: 'gemini', model: 'gemini-3.8-flash' }],
    ['offline', { vendor: 'offline', model: 'offline' }],
    ['offline:echo-bot', { vendor: 'offline', model: 'echo-bot' }],
    ['openai-compatible:llama3.1:8b@http://127.0.0.1:11434/v1', { vendor: 'openai-compatible', model: 'llama3.1:8b', baseURL: 'http://127.0.0.1:11434/v1' }],
    ['openai-compatible:Qwen/Qwen3-8B@https://vllm.example/v1', { vendor: 'openai-compatible', model: 'Qwen/Qwen3-8B', baseURL: 'https://vllm.example/v1' }],
    // The base URL may come from the agent's baseURL field instead.
    ['openai-compatible:llama3.1', { vendor: 'openai-compatible', model: 'llama3.1' }],
  ])('parses %s', (spec, expected) => {
    expect(parseModelSpec(spec)).toEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['claude-sonnet-5-5', /no vendor/],
    ['antropic:claude-sonnet-5-5', /unknown vendor "antropic"/],
    ['anthropic:', /model name after the vendor is empty/],
    ['openai:gpt 6', /whitespace/],
    [' openai:gpt-6.2-astra', /whitespace/],
    ['openai-compatible:llama@localhost:11434', /must start with http:\/\/ or https:\/\//],
    ['openai-compatible:@http://127.0.0.1:11434/v1', /model name after the vendor is empty/],
  ])('refuses %j', (spec, problem) => {
    let caught: unknown;
    try {
      parseModelSpec(spec);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ModelSpecError);
    expect((caught as Error).message).toMatch(problem);
    // Every refusal shows what would have been accepted.
    expect((caught as Error).message).toContain('"anthropic:<model>"');
    expect((caught as Error).message).toContain('openai-compatible:<model>@<http(s) base URL>');
  });
});
