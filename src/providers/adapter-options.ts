// The settings every vendor adapter receives from create-model.ts, and their defaults in one place.
// Timeouts and retries are explicit per adapter so no SDK default (10 minutes for Anthropic/OpenAI,
// none at all for Gemini) silently decides how long an agent may hang.

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_RETRIES = 2;
/** Output budget when the caller names none (Anthropic requires one on every request). Thinking and
 *  reasoning tokens count against it on Gemini and OpenAI, so it is roomier than a mail reply needs. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;

export interface AdapterOptions {
  /** The configured spec exactly as written, e.g. `anthropic:claude-sonnet-5-5`. */
  id: string;
  /** The vendor's model name, e.g. `claude-sonnet-5-5`. */
  model: string;
  apiKey: string;
  /** Undefined leaves the SDK's own default (and its base-URL environment variable) in charge. */
  baseURL?: string;
  /** Per attempt, in milliseconds. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
}
