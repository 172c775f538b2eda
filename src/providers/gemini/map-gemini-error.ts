// Maps whatever @google/genai throws to the contract's typed ModelError, together with the delay the
// server asked for (Retry-After header, or the google.rpc.RetryInfo `retryDelay` in the error body, as
// the Gemini API sends on 429), so gemini-model.ts can retry; the SDK's ApiError keeps neither.
import { ApiError } from '@google/genai';
import { ModelError } from '../model.ts';
import { modelErrorFromStatus } from '../model-error-from-status.ts';
import type { ClassifiedFailure } from '../retry.ts';

export function classifyGeminiError(
  error: unknown,
  context: { callerSignal: AbortSignal | undefined; retryAfterHeaderMs: number | undefined },
): ClassifiedFailure {
  if (error instanceof ModelError) return { error };
  if (isAbort(error)) {
    // The SDK aborts the same way for its own timeout and for the caller's signal.
    if (context.callerSignal?.aborted) {
      return { error: new ModelError('aborted', 'gemini: request aborted', { retryable: false, cause: error }) };
    }
    return { error: new ModelError('timeout', 'gemini: request timed out', { retryable: true, cause: error }) };
  }
  if (error instanceof ApiError) {
    const body = parseErrorBody(error.message);
    const message = `gemini: ${error.status} ${body?.message ?? error.message}`;
    const retryAfterMs = context.retryAfterHeaderMs ?? body?.retryDelayMs;
    return { error: modelErrorFromStatus(error.status, message, error), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (error instanceof SyntaxError) {
    return { error: new ModelError('malformed', `gemini: response is not valid JSON (${error.message})`, { retryable: true, cause: error }) };
  }
  if (error instanceof TypeError && /fetch failed|network|socket|terminated/i.test(error.message)) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { error: new ModelError('network', `gemini: connection failed (${error.message}${cause})`, { retryable: true, cause: error }) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { error: new ModelError('server', `gemini: unexpected failure: ${message}`, { retryable: false, cause: error }) };
}


function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** The SDK puts the JSON error body (`{"error":{"code","message","status","details"}}`) in the message. */
function parseErrorBody(text: string): { message?: string; retryDelayMs?: number } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined; // not JSON: the raw message is used as is
  }
  const inner = (parsed as { error?: { message?: unknown; details?: unknown } } | null)?.error;
  if (!inner) return undefined;
  const message = typeof inner.message === 'string' ? inner.message : undefined;
  let retryDelayMs: number | undefined;
  if (Array.isArray(inner.details)) {
    for (const detail of inner.details as Array<Record<string, unknown>>) {
      const delay = detail?.['retryDelay'];
      // google.protobuf.Duration in JSON: decimal seconds with an "s" suffix, e.g. "13s" or "0.5s".
      if (typeof delay === 'string' && /^\d+(\.\d+)?s$/.test(delay)) retryDelayMs = Number(delay.slice(0, -1)) * 1000;
    }
  }
  return { ...(message !== undefined ? { message } : {}), ...(retryDelayMs !== undefined ? { retryDelayMs } : {}) };
}
