// What tokens cost, for the estimate before an experiment starts and the cost per run afterwards. Prices are
// US dollars per million tokens, input and output, matched by the first pattern that fits a model spec.
// The built-in table holds published list prices at the time of writing, by model family; they change, so
// `--prices FILE` (YAML or JSON: [{match: "regex", input: 3, output: 15}, ...], tried before the built-in
// ones) replaces any of them. Scripted, offline and replayed calls cost nothing; a local OpenAI-compatible
// server is counted as free.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export interface Price {
  match: RegExp;
  /** USD per million input tokens. */
  input: number;
  output: number;
}

export const builtInPrices: Price[] = [
  { match: /^(scripted|offline|replay)(:|$)/, input: 0, output: 0 },
  { match: /^openai-compatible:/, input: 0, output: 0 },
  { match: /^anthropic:.*opus/, input: 15, output: 75 },
  { match: /^anthropic:.*sonnet/, input: 3, output: 15 },
  { match: /^anthropic:.*haiku/, input: 1, output: 5 },
  { match: /^anthropic:/, input: 3, output: 15 },
  { match: /^openai:.*(mini|nano)/, input: 0.25, output: 2 },
  { match: /^openai:/, input: 1.25, output: 10 },
  { match: /^gemini:.*(flash|lite)/, input: 0.3, output: 2.5 },
  { match: /^gemini:/, input: 1.25, output: 10 },
];

/** Used for a spec nothing matches: priced high rather than free, so an estimate never hides a cost. */
export const unknownModelPrice = { input: 15, output: 75 };

const priceFileSchema = z.array(z.strictObject({ match: z.string().min(1), input: z.number().nonnegative(), output: z.number().nonnegative() }));

export class PriceFileError extends Error {
  override name = 'PriceFileError';
}

export function loadPrices(file: string | undefined): Price[] {
  if (file === undefined) return builtInPrices;
  let value: unknown;
  try {
    value = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PriceFileError(`${file}: cannot read the price file: ${(error as Error).message}`);
  }
  const parsed = priceFileSchema.safeParse(value);
  if (!parsed.success) {
    throw new PriceFileError(`${file}: ${parsed.error.issues.map((issue) => `entry ${issue.path.map(String).join('.')}: ${issue.message}`).join('; ')} (expected a list of {match, input, output})`);
  }
  return [
    ...parsed.data.map((entry, index) => {
      try {
        return { match: new RegExp(entry.match), input: entry.input, output: entry.output };
      } catch (error) {
        throw new PriceFileError(`${file}: entry ${index}: field "match": not a regular expression: ${(error as Error).message}`);
      }
    }),
    ...builtInPrices,
  ];
}

export function priceOf(modelSpec: string, prices: Price[]): { input: number; output: number } {
  return prices.find((price) => price.match.test(modelSpec)) ?? unknownModelPrice;
}

export function costOf(modelSpec: string, inputTokens: number, outputTokens: number, prices: Price[]): number {
  const price = priceOf(modelSpec, prices);
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}

/** The most a run can cost: its whole token budget at its dearest agent's price, 90% input and 10% output. */
export function worstCaseRunCost(modelSpecs: string[], maxTokens: number, prices: Price[]): number {
  return Math.max(0, ...modelSpecs.map((spec) => costOf(spec, maxTokens * 0.9, maxTokens * 0.1, prices)));
}
