// Parses the `model:` string of an agent (`anthropic:<id>`, `openai:<id>`, `gemini:<id>`,
// `openai-compatible:<model>@<baseURL>`, `offline`, `scripted:<path>`) into vendor, vendor model name and
// optional base URL.
// Refuses anything else with a message that shows the accepted forms, so a typo stops `mailswarm up`.
import type { Vendor } from './model.ts';

export interface ModelSpec {
  vendor: Vendor;
  /** The vendor's model name (for `offline`, whatever followed `offline:`, or `offline`; for `scripted`, the
   *  path of its YAML file as written, resolved by create-model.ts). */
  model: string;
  /** Only from `openai-compatible:<model>@<baseURL>` (the agent's `baseURL` field may supply it instead). */
  baseURL?: string;
}

export const MODEL_SPEC_FORMS =
  '"anthropic:<model>", "openai:<model>", "gemini:<model>", "openai-compatible:<model>@<http(s) base URL>", ' +
  '"scripted:<path to a YAML file>" or "offline"';

export class ModelSpecError extends Error {
  override name = 'ModelSpecError';
  readonly spec: string;
  /** `showForms: false` for problems with an otherwise well-formed spec (e.g. a bad base URL). */
  constructor(spec: string, problem: string, options: { showForms?: boolean } = {}) {
    super(`invalid model "${spec}": ${problem}${options.showForms === false ? '' : `; expected ${MODEL_SPEC_FORMS}`}`);
    this.spec = spec;
  }
}

const CLOUD_VENDORS: ReadonlySet<string> = new Set(['anthropic', 'openai', 'gemini']);

export function parseModelSpec(spec: string): ModelSpec {
  if (typeof spec !== 'string' || spec.trim() === '') throw new ModelSpecError(String(spec), 'it is empty');
  if (spec !== spec.trim()) throw new ModelSpecError(spec, 'it has leading or trailing whitespace');
  if (spec === 'offline') return { vendor: 'offline', model: 'offline' };

  const colon = spec.indexOf(':');
  if (colon <= 0) throw new ModelSpecError(spec, 'it names no vendor (no "<vendor>:" prefix)');
  const vendor = spec.slice(0, colon);
  const rest = spec.slice(colon + 1);

  if (vendor === 'offline') return { vendor: 'offline', model: rest === '' ? 'offline' : rest };
  if (CLOUD_VENDORS.has(vendor)) {
    checkModelName(spec, rest);
    return { vendor: vendor as Vendor, model: rest };
  }
  if (vendor === 'openai-compatible') return parseOpenAiCompatible(spec, rest);
  if (vendor === 'scripted') {
    // Paths may contain spaces; only the spec as a whole must not start or end with whitespace.
    if (rest === '') throw new ModelSpecError(spec, 'the path of the YAML file after "scripted:" is empty');
    return { vendor: 'scripted', model: rest };
  }
  throw new ModelSpecError(spec, `unknown vendor "${vendor}"`);
}

/** `<model>@<baseURL>`: the URL starts at the first `@http://` or `@https://`, since local model names
 *  (Ollama's `llama3.1:8b`, Hugging Face paths) may contain `:` and `/` but not a URL scheme. Without
 *  `@<baseURL>` the agent's `baseURL` field must supply it (create-model.ts checks). */
function parseOpenAiCompatible(spec: string, rest: string): ModelSpec {
  const at = rest.search(/@https?:\/\//i);
  if (at < 0) {
    if (rest.includes('@')) {
      throw new ModelSpecError(spec, 'the base URL after "@" must start with http:// or https://, e.g. "openai-compatible:llama3.1@http://127.0.0.1:11434/v1"');
    }
    checkModelName(spec, rest);
    return { vendor: 'openai-compatible', model: rest };
  }
  const model = rest.slice(0, at);
  const baseURL = rest.slice(at + 1);
  checkModelName(spec, model);
  try {
    new URL(baseURL);
  } catch {
    throw new ModelSpecError(spec, `"${baseURL}" is not a valid URL`);
  }
  return { vendor: 'openai-compatible', model, baseURL };
}

function checkModelName(spec: string, model: string): void {
  if (model === '') throw new ModelSpecError(spec, 'the model name after the vendor is empty');
  if (/\s/.test(model)) throw new ModelSpecError(spec, 'the model name contains whitespace');
}
