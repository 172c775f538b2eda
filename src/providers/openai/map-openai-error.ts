// Maps whatever the openai SDK throws (after its own retries) to the contract's typed ModelError, for both
// OpenAI and OpenAI-compatible servers; `vendorLabel` says which in the message.
import OpenAI from 'openai';
import { ModelError } from '../model.ts';

export function mapOpenAiError(error: unknown, vendorLabel: string): ModelError {
  if (error instanceof ModelError) return error;
  if (error instanceof OpenAI.APIUserAbortError) {
    return new ModelError('aborted', `${vendorLabel}: request aborted`, { retryable: false, cause: error });
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ModelError('timeout', `${vendorLabel}: request timed out (${error.message})`, { retryable: true, cause: error });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new ModelError('network', `${vendorLabel}: connection failed (${error.message}${cause})`, { retryable: true, cause: error });
  }
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    return fromStatus(error.status, `${vendorLabel}: ${error.message}`, error);
  }
  if (error instanceof SyntaxError) {
    return new ModelError('malformed', `${vendorLabel}: response is not valid JSON (${error.message})`, { retryable: true, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError('server', `${vendorLabel}: unexpected failure: ${message}`, { retryable: false, cause: error });
}

function fromStatus(status: number, message: string, cause: unknown): ModelError {
  if (status === 429) return new ModelError('rate_limit', message, { retryable: true, status, cause });
  if (status === 401 || status === 403) return new ModelError('auth', message, { retryable: false, status, cause });
  if (status === 408) return new ModelError('timeout', message, { retryable: true, status, cause });
  if (status >= 500 || status === 409) return new ModelError('server', message, { retryable: true, status, cause });
  return new ModelError('bad_request', message, { retryable: false, status, cause });
}
