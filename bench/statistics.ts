// Order statistics for the benchmark samples: nearest-rank percentiles and the median of repeated runs.

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN for no samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  count: number;
}

export function summarize(samples: number[]): LatencySummary {
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99), max: percentile(samples, 100), count: samples.length };
}

/** Per-field median of several summaries (one per repeated run). */
export function medianSummary(runs: LatencySummary[]): LatencySummary {
  return {
    p50: median(runs.map((run) => run.p50)),
    p95: median(runs.map((run) => run.p95)),
    p99: median(runs.map((run) => run.p99)),
    max: median(runs.map((run) => run.max)),
    count: runs.reduce((total, run) => total + run.count, 0),
  };
}
