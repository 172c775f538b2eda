// Maps whatever the Anthropic SDK throws (after its own retries) to the contract's typed ModelError, so the
// runtime decides on `kind`/`retryable` without knowing the SDK. Status codes per the Messages API error
// reference (429 rate limit, 529 overloaded, 401/403 auth).
import Anthropic from '@anthropic-ai/sdk';
import { ModelError } from '../model.ts';
import { modelErrorFromStatus } from '../model-error-from-status.ts';

export function mapAnthropicError(error: unknown): ModelError {
  if (error instanceof ModelError) return error;
  if (error instanceof Anthropic.APIUserAbortError) {
    return new ModelError('aborted', 'anthropic: request aborted', { retryable: false, cause: error });
  }
  if (error instanceof Anthropic.APIConnectionTimeoutError) {
    return new ModelError('timeout', `anthropic: request timed out (${error.message})`, { retryable: true, cause: error });
  }
  if (error instanceof Anthropic.APIConnectionError) {
    return new ModelError('network', `anthropic: connection failed (${describeCause(error)})`, { retryable: true, cause: error });
  }
  if (error instanceof Anthropic.APIError && typeof error.status === 'number') {
    return modelErrorFromStatus(error.status, `anthropic: ${error.message}`, error);
  }
  if (error instanceof SyntaxError) {
    return new ModelError('malformed', `anthropic: response is not valid JSON (${error.message})`, { retryable: true, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError('server', `anthropic: unexpected failure: ${message}`, { retryable: false, cause: error });
}


function describeCause(error: Error): string {
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
