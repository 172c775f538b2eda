// Builds the LanguageModel for an agent's configured `model:` string: parses the spec, finds the vendor's
// API key in the environment, picks the base URL (per-agent `baseURL`, else the vendor's own environment
// variable: ANTHROPIC_BASE_URL, OPENAI_BASE_URL, GOOGLE_GEMINI_BASE_URL), and sets explicit timeouts and
// retries. A missing key falls back to the offline model only when the caller allows it. `scripted:<path>`
// loads its YAML file here, relative to the agent's definition folder, so a bad file stops `mailswarm up`.
import { resolve } from 'node:path';
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, type AdapterOptions } from './adapter-options.ts';
import { AnthropicModel } from './anthropic/anthropic-model.ts';
import { GeminiModel } from './gemini/gemini-model.ts';
import { MissingApiKeyError } from './missing-api-key-error.ts';
import type { LanguageModel } from './model.ts';
import { ModelSpecError, parseModelSpec, type ModelSpec } from './model-spec.ts';
import { OfflineModel } from './offline/offline-model.ts';
import { OpenAiModel } from './openai/openai-model.ts';
import { loadScriptedTurns } from './scripted/load-scripted-turns.ts';
import { ScriptedModel } from './scripted/scripted-model.ts';

export interface CreateModelOptions {
  /** The agent's `baseURL` front-matter field; wins over the vendor's base-URL environment variable. */
  baseURL?: string;
  /** Where keys and base URLs are read; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  allowOfflineFallback: boolean;
  /** Per attempt, in milliseconds (default 120 000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 2). */
  maxRetries?: number;
  /** Folder that `scripted:<path>` is relative to: the one holding the agent's definition file (default process.cwd()). */
  baseDir?: string;
}

export interface CreatedModel {
  model: LanguageModel;
  fellBackToOffline: boolean;
  /** Why the offline model stands in, naming the missing variable. */
  reason?: string;
}

/** Key variables per cloud vendor, in the order the SDKs themselves prefer them. */
const KEY_VARIABLES = {
  anthropic: ['ANTHROPIC_API_KEY'],
  openai: ['OPENAI_API_KEY'],
  // @google/genai prefers GOOGLE_API_KEY when both are set; so do we, so the two never disagree.
  gemini: ['GOOGLE_API_KEY', 'GEMINI_API_KEY'],
} as const;

const BASE_URL_VARIABLES = {
  anthropic: 'ANTHROPIC_BASE_URL',
  openai: 'OPENAI_BASE_URL',
  gemini: 'GOOGLE_GEMINI_BASE_URL',
} as const;

/** Optional key for OpenAI-compatible servers started with one (vLLM --api-key, hosted gateways). */
const COMPATIBLE_KEY_VARIABLE = 'OPENAI_COMPATIBLE_API_KEY';
/** Local servers ignore the key, but the SDK insists on a non-empty one. */
const COMPATIBLE_PLACEHOLDER_KEY = 'mailswarm-no-key';

export function createModel(spec: string, options: CreateModelOptions): CreatedModel {
  const parsed = parseModelSpec(spec);
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new RangeError(`maxRetries must be a non-negative integer, got ${maxRetries}`);
  const agentBaseURL = nonEmpty(options.baseURL);
  if (agentBaseURL !== undefined) checkUrl(spec, agentBaseURL, 'baseURL');

  if (parsed.vendor === 'offline') return { model: new OfflineModel({ id: spec }), fellBackToOffline: false };
  if (parsed.vendor === 'scripted') {
    const file = resolve(options.baseDir ?? process.cwd(), parsed.model);
    return { model: new ScriptedModel({ id: spec, script: loadScriptedTurns(file, spec) }), fellBackToOffline: false };
  }

  if (parsed.vendor === 'openai-compatible') {
    return { model: createOpenAiCompatible(spec, parsed, agentBaseURL, env, timeoutMs, maxRetries), fellBackToOffline: false };
  }

  const vendor = parsed.vendor;
  const keyVariables = KEY_VARIABLES[vendor];
  const apiKey = keyVariables.map((name) => nonEmpty(env[name])).find((value) => value !== undefined);
  if (apiKey === undefined) {
    if (!options.allowOfflineFallback) throw new MissingApiKeyError(spec, keyVariables);
    return {
      model: new OfflineModel({ id: `offline:${spec}` }),
      fellBackToOffline: true,
      reason: `${keyVariables.join(' or ')} is not set, so model "${spec}" runs on the offline model`,
    };
  }

  // The vendor variable is read from `env` (process.env unless the caller passed another); when neither is
  // set, baseURL stays undefined and the SDK's built-in default applies.
  const envBaseURL = nonEmpty(env[BASE_URL_VARIABLES[vendor]]);
  if (agentBaseURL === undefined && envBaseURL !== undefined) checkUrl(spec, envBaseURL, BASE_URL_VARIABLES[vendor]);
  const adapterOptions: AdapterOptions = {
    id: spec,
    model: parsed.model,
    apiKey,
    ...((agentBaseURL ?? envBaseURL) !== undefined ? { baseURL: agentBaseURL ?? envBaseURL } : {}),
    timeoutMs,
    maxRetries,
  };
  switch (vendor) {
    case 'anthropic':
      return { model: new AnthropicModel(adapterOptions), fellBackToOffline: false };
    case 'openai':
      return { model: new OpenAiModel({ ...adapterOptions, vendor: 'openai' }), fellBackToOffline: false };
    case 'gemini':
      return { model: new GeminiModel(adapterOptions), fellBackToOffline: false };
  }
}

function createOpenAiCompatible(
  spec: string,
  parsed: ModelSpec,
  agentBaseURL: string | undefined,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  maxRetries: number,
): LanguageModel {
  if (agentBaseURL !== undefined && parsed.baseURL !== undefined && agentBaseURL !== parsed.baseURL) {
    throw new ModelSpecError(spec, `it names base URL ${parsed.baseURL} but the agent's baseURL is ${agentBaseURL}; give only one`, {
      showForms: false,
    });
  }
  const baseURL = parsed.baseURL ?? agentBaseURL;
  if (baseURL === undefined) {
    throw new ModelSpecError(spec, 'openai-compatible needs a base URL: write "openai-compatible:<model>@<base URL>" or set the agent\'s baseURL');
  }
  return new OpenAiModel({
    id: spec,
    vendor: 'openai-compatible',
    model: parsed.model,
    apiKey: nonEmpty(env[COMPATIBLE_KEY_VARIABLE]) ?? COMPATIBLE_PLACEHOLDER_KEY,
    baseURL,
    timeoutMs,
    maxRetries,
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function checkUrl(spec: string, url: string, source: string): void {
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    throw new ModelSpecError(spec, `${source} "${url}" is not a valid URL`, { showForms: false });
  }
  if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') {
    throw new ModelSpecError(spec, `${source} "${url}" is not an http(s) URL`, { showForms: false });
  }
}
