// The shared bounded retry loop (used by the Gemini adapter): which kinds it retries, how often, and how
// it reads Retry-After (RFC 9110 section 10.2.3) — without timing asserts.
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/providers/model.ts';
import { parseRetryAfter, withRetries } from '../../src/providers/retry.ts';

const headers = (entries: Record<string, string>) => new Headers(entries);

describe('parseRetryAfter', () => {
  it('reads delay-seconds, HTTP-dates and retry-after-ms', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '3' }))).toBe(3000);
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '3' }))).toBe(250);
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(parseRetryAfter(headers({ 'retry-after': 'Tue, 01 Dec 2026 00:00:10 GMT' }), now)).toBe(10_000);
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(headers({}))).toBeUndefined();
  });
});

describe('withRetries', () => {
  const classify = (error: unknown) => ({ error: error as ModelError, retryAfterMs: 0 });

  it('retries retryable kinds up to maxRetries, then throws the last error', async () => {
    let attempts = 0;
    const failing = () => {
      attempts += 1;
      return Promise.reject(new ModelError('server', `attempt ${attempts}`, { retryable: true, status: 503 }));
    };
    await expect(withRetries(failing, classify, { maxRetries: 2 })).rejects.toThrow('attempt 3');
    expect(attempts).toBe(3);
  });

  it('does not retry auth, bad requests or malformed responses', async () => {
    for (const kind of ['auth', 'bad_request', 'malformed'] as const) {
      let attempts = 0;
      const failing = () => {
        attempts += 1;
        return Promise.reject(new ModelError(kind, kind, { retryable: kind === 'malformed' }));
      };
      await expect(withRetries(failing, classify, { maxRetries: 3 })).rejects.toMatchObject({ kind });
      expect(attempts).toBe(1);
    }
  });

  it('stops waiting when the caller aborts', async () => {
    const controller = new AbortController();
    const failing = () => {
      controller.abort();
      return Promise.reject(new ModelError('rate_limit', 'busy', { retryable: true, status: 429 }));
    };
    await expect(withRetries(failing, () => ({ error: new ModelError('rate_limit', 'busy', { retryable: true }), retryAfterMs: 10_000 }), { maxRetries: 3, signal: controller.signal })).rejects.toMatchObject({ kind: 'rate_limit' });
  });
});
