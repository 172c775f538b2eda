// One HTTP status → ModelError mapping for every vendor adapter, so the runtime's retry decisions do not
// depend on which SDK answered. 409 is retryable everywhere: Anthropic and OpenAI use it for lock timeouts,
// Google for ABORTED (a concurrency conflict whose remedy is to retry).
import { ModelError } from './model.ts';

export function modelErrorFromStatus(status: number, message: string, cause: unknown): ModelError {
  if (status === 429) return new ModelError('rate_limit', message, { retryable: true, status, cause });
  if (status === 401 || status === 403) return new ModelError('auth', message, { retryable: false, status, cause });
  if (status === 408) return new ModelError('timeout', message, { retryable: true, status, cause });
  if (status >= 500 || status === 409) return new ModelError('server', message, { retryable: true, status, cause });
  return new ModelError('bad_request', message, { retryable: false, status, cause });
}
