// A small bounded retry loop for SDKs that do not retry by themselves (the Gemini SDK retries only when
// asked, and then ignores Retry-After). Honours Retry-After (RFC 9110 section 10.2.3: delay-seconds or an
// HTTP-date) and falls back to capped exponential backoff with jitter. Anthropic and OpenAI do not use
// this: their SDKs already retry with Retry-After support via `maxRetries`.
import { ModelError, type ModelErrorKind } from './model.ts';

/** A failure mapped to the contract's ModelError, plus the server's requested delay when it sent one. */
export interface ClassifiedFailure {
  error: ModelError;
  retryAfterMs?: number;
}

export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  signal?: AbortSignal;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A server asking for a longer pause than this is not waited for: the error goes to the runtime. */
  maxRetryAfterMs?: number;
}

/** Kinds worth another attempt within the same turn; `malformed` is not (same as the Anthropic/OpenAI SDKs). */
const RETRIED_KINDS: ReadonlySet<ModelErrorKind> = new Set(['rate_limit', 'server', 'timeout', 'network']);

export async function withRetries<T>(
  attempt: () => Promise<T>,
  classify: (error: unknown) => ClassifiedFailure,
  options: RetryOptions,
): Promise<T> {
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 8_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  for (let retriesUsed = 0; ; retriesUsed++) {
    let failure: ClassifiedFailure;
    try {
      return await attempt();
    } catch (error) {
      failure = classify(error);
    }
    const { error, retryAfterMs } = failure;
    if (!RETRIED_KINDS.has(error.kind) || retriesUsed >= options.maxRetries || options.signal?.aborted) throw error;
    if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) throw error;
    const backoffMs = Math.min(maxDelayMs, baseDelayMs * 2 ** retriesUsed) * (0.75 + Math.random() * 0.25);
    await sleep(retryAfterMs ?? backoffMs, options.signal);
  }
}

/**
 * Milliseconds the server asked to wait, from `retry-after-ms` (a de-facto extension the Anthropic/OpenAI
 * SDKs also read) or `Retry-After`; undefined when absent or unparsable.
 */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && /^\d+(\.\d+)?$/.test(milliseconds.trim())) return Number(milliseconds);
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ModelError('aborted', 'model request aborted while waiting to retry', { retryable: false, cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ModelError('aborted', 'model request aborted while waiting to retry', { retryable: false, cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
