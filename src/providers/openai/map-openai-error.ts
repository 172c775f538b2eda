// Maps whatever the openai SDK throws (after its own retries) to the contract's typed ModelError, for both
// OpenAI and OpenAI-compatible servers; `vendorLabel` says which in the message.
import OpenAI from 'openai';
import { ModelError } from '../model.ts';
import { modelErrorFromStatus } from '../model-error-from-status.ts';

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
    return modelErrorFromStatus(error.status, `${vendorLabel}: ${error.message}`, error);
  }
  if (error instanceof SyntaxError) {
    return new ModelError('malformed', `${vendorLabel}: response is not valid JSON (${error.message})`, { retryable: true, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError('server', `${vendorLabel}: unexpected failure: ${message}`, { retryable: false, cause: error });
}

