// The statistics of the report, all deterministic: the Wilson score interval for a rate (Wilson 1927; good
// at small n and at 0 or n successes, where the normal approximation fails), Newcombe's hybrid score interval
// for the difference of two independent rates (Newcombe 1998, method 10), and percentile bootstrap intervals
// for means and ratios of sums, resampling runs with a fixed-seed generator so the same runs always give the
// same interval.

export const Z_95 = 1.959963984540054;
export const BOOTSTRAP_RESAMPLES = 2000;
export const BOOTSTRAP_SEED = 20260101;

export interface RateInterval {
  successes: number;
  trials: number;
  /** successes / trials; null without trials. */
  rate: number | null;
  low: number | null;
  high: number | null;
}

export interface ValueInterval {
  /** null when there is nothing to estimate (no runs, or no solved run for a "per solved task" figure). */
  estimate: number | null;
  low: number | null;
  high: number | null;
  /** How many runs the figure rests on. */
  n: number;
}

export function wilsonInterval(successes: number, trials: number, z = Z_95): RateInterval {
  if (trials === 0) return { successes, trials, rate: null, low: null, high: null };
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { successes, trials, rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Difference a - b of two independent rates with Newcombe's hybrid score interval; null without trials. */
export function rateDifference(a: RateInterval, b: RateInterval): { difference: number; low: number; high: number } | null {
  if (a.rate === null || b.rate === null || a.low === null || a.high === null || b.low === null || b.high === null) return null;
  const difference = a.rate - b.rate;
  const low = difference - Math.sqrt((a.rate - a.low) ** 2 + (b.high - b.rate) ** 2);
  const high = difference + Math.sqrt((a.high - a.rate) ** 2 + (b.rate - b.low) ** 2);
  return { difference, low: Math.max(-1, low), high: Math.min(1, high) };
}

/** mulberry32: a small, well-mixed 32-bit generator; the same seed gives the same sequence everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mean of `values` with a 95% percentile bootstrap interval. */
export function bootstrapMean(values: number[], seed = BOOTSTRAP_SEED): ValueInterval {
  return bootstrapRatio(values.map((value) => ({ numerator: value, denominator: 1 })), seed);
}

/** sum(numerator) / sum(denominator) over runs (e.g. tokens per solved task), with a bootstrap over runs. */
export function bootstrapRatio(runs: Array<{ numerator: number; denominator: number }>, seed = BOOTSTRAP_SEED): ValueInterval {
  const ratio = (sample: Array<{ numerator: number; denominator: number }>) => {
    const denominator = sample.reduce((sum, run) => sum + run.denominator, 0);
    return denominator === 0 ? null : sample.reduce((sum, run) => sum + run.numerator, 0) / denominator;
  };
  const estimate = ratio(runs);
  if (estimate === null) return { estimate: null, low: null, high: null, n: runs.length };
  const random = seededRandom(seed);
  const estimates: number[] = [];
  for (let resample = 0; resample < BOOTSTRAP_RESAMPLES; resample++) {
    const sample = runs.map(() => runs[Math.floor(random() * runs.length)]!);
    const value = ratio(sample);
    // A resample without any solved run has no "per solved task" value: it is left out (and says so by n).
    if (value !== null) estimates.push(value);
  }
  estimates.sort((left, right) => left - right);
  return { estimate, low: quantile(estimates, 0.025), high: quantile(estimates, 0.975), n: runs.length };
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}
