// results.json: every run's result plus the aggregates the report shows. Per condition: the solve rate and
// the rates of runs with a peer correction (any, unprompted) with Wilson intervals; mean peer corrections,
// tokens and cost per run, and tokens and cost per solved task, with bootstrap intervals; held mail by rule.
// Per pair of conditions: the difference in solve rate and in peer-correction rate with Newcombe intervals
// and a plain sentence. Per task: each condition's runs. Nothing in it depends on the clock except the runs'
// wallSeconds.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from './run-evaluation.ts';
import { bootstrapMean, bootstrapRatio, rateDifference, wilsonInterval, type RateInterval, type ValueInterval } from './statistics.ts';
import { conditions as knownConditions, type Condition } from './suite-format.ts';

export interface ConditionSummary {
  condition: Condition;
  runs: number;
  runIds: string[];
  errors: number;
  timeouts: number;
  solved: RateInterval;
  /** Runs with at least one peer correction. */
  peerCorrected: RateInterval;
  /** Runs with at least one unprompted peer correction. */
  unpromptedPeerCorrected: RateInterval;
  peerCorrectionsPerRun: ValueInterval;
  selfCorrectionsPerRun: ValueInterval;
  tokensPerRun: ValueInterval;
  costPerRun: ValueInterval;
  tokensPerSolved: ValueInterval;
  costPerSolved: ValueInterval;
  turnsPerRun: ValueInterval;
  messagesPerRun: ValueInterval;
  heldMessages: number;
  guardTrips: Record<string, number>;
}

export interface ConditionComparison {
  metric: 'solve rate' | 'peer-correction rate';
  a: Condition;
  b: Condition;
  difference: number | null;
  low: number | null;
  high: number | null;
  /** The 95% interval of the difference excludes 0. */
  distinguishable: boolean;
  sentence: string;
}

export interface TaskRow {
  task: string;
  title: string;
  kind: string | undefined;
  language: string | undefined;
  cells: Record<string, { runs: number; solved: number; peerCorrections: number; unprompted: number; runIds: string[] }>;
}

export interface ExperimentResults {
  suite: { name: string; description: string | undefined; path: string };
  conditions: Condition[];
  repeats: number;
  tasks: TaskRow[];
  summaries: ConditionSummary[];
  comparisons: ConditionComparison[];
  runs: RunResult[];
  method: string[];
}

export interface SuiteInfo {
  name: string;
  description: string | undefined;
  path: string;
  tasks: Array<{ id: string; title: string; kind: string | undefined; language: string | undefined }>;
}

/** Every runs/<id>/result.json of an experiment folder, sorted by id. */
export function readRunResults(outDir: string): RunResult[] {
  const runsDir = path.join(outDir, 'runs');
  let entries: string[];
  try {
    entries = readdirSync(runsDir).sort();
  } catch (error) {
    throw new Error(`${outDir} holds no experiment: cannot read ${runsDir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return entries.flatMap((entry) => {
    const file = path.join(runsDir, entry, 'result.json');
    try {
      return [JSON.parse(readFileSync(file, 'utf8')) as RunResult];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`${file}: not a run result: ${(error as Error).message}`);
    }
  });
}

export function aggregateResults(suite: SuiteInfo, runs: RunResult[]): ExperimentResults {
  const sorted = [...runs].sort((left, right) => left.id.localeCompare(right.id));
  const present = knownConditions.filter((condition) => sorted.some((run) => run.condition === condition));
  const summaries = present.map((condition) => summarise(condition, sorted.filter((run) => run.condition === condition)));
  const comparisons: ConditionComparison[] = [];
  for (const [index, a] of summaries.entries()) {
    for (const b of summaries.slice(index + 1)) {
      comparisons.push(compare('solve rate', a, b, a.solved, b.solved));
      comparisons.push(compare('peer-correction rate', a, b, a.peerCorrected, b.peerCorrected));
    }
  }
  const taskIds = [...new Set(sorted.map((run) => run.task))].sort();
  const tasks = taskIds.map((id): TaskRow => {
    const info = suite.tasks.find((task) => task.id === id);
    const cells: TaskRow['cells'] = {};
    for (const condition of present) {
      const cellRuns = sorted.filter((run) => run.task === id && run.condition === condition);
      cells[condition] = {
        runs: cellRuns.length,
        solved: cellRuns.filter((run) => run.solved).length,
        peerCorrections: cellRuns.reduce((sum, run) => sum + run.peerCorrections.peer, 0),
        unprompted: cellRuns.reduce((sum, run) => sum + run.peerCorrections.peerUnprompted, 0),
        runIds: cellRuns.map((run) => run.id),
      };
    }
    return { task: id, title: info?.title ?? id, kind: info?.kind, language: info?.language, cells };
  });
  return {
    suite: { name: suite.name, description: suite.description, path: suite.path },
    conditions: present,
    repeats: Math.max(0, ...sorted.map((run) => run.repeat)),
    tasks,
    summaries,
    comparisons,
    runs: sorted,
    method: methodNotes(),
  };
}

function summarise(condition: Condition, runs: RunResult[]): ConditionSummary {
  const tokensOf = (run: RunResult) => run.tokens.input + run.tokens.output;
  const guardTrips: Record<string, number> = {};
  for (const run of runs) for (const [rule, count] of Object.entries(run.guardTrips)) guardTrips[rule] = (guardTrips[rule] ?? 0) + count;
  return {
    condition,
    runs: runs.length,
    runIds: runs.map((run) => run.id),
    errors: runs.filter((run) => run.end === 'error').length,
    timeouts: runs.filter((run) => run.end === 'timeout').length,
    solved: wilsonInterval(runs.filter((run) => run.solved).length, runs.length),
    peerCorrected: wilsonInterval(runs.filter((run) => run.peerCorrections.peer > 0).length, runs.length),
    unpromptedPeerCorrected: wilsonInterval(runs.filter((run) => run.peerCorrections.peerUnprompted > 0).length, runs.length),
    peerCorrectionsPerRun: bootstrapMean(runs.map((run) => run.peerCorrections.peer)),
    selfCorrectionsPerRun: bootstrapMean(runs.map((run) => run.peerCorrections.self)),
    tokensPerRun: bootstrapMean(runs.map(tokensOf)),
    costPerRun: bootstrapMean(runs.map((run) => run.costUsd)),
    tokensPerSolved: bootstrapRatio(runs.map((run) => ({ numerator: tokensOf(run), denominator: run.solved ? 1 : 0 }))),
    costPerSolved: bootstrapRatio(runs.map((run) => ({ numerator: run.costUsd, denominator: run.solved ? 1 : 0 }))),
    turnsPerRun: bootstrapMean(runs.map((run) => run.turns)),
    messagesPerRun: bootstrapMean(runs.map((run) => run.messages)),
    heldMessages: runs.reduce((sum, run) => sum + run.heldMessages, 0),
    guardTrips: Object.fromEntries(Object.entries(guardTrips).sort(([left], [right]) => left.localeCompare(right))),
  };
}

function compare(metric: ConditionComparison['metric'], a: ConditionSummary, b: ConditionSummary, rateA: RateInterval, rateB: RateInterval): ConditionComparison {
  const difference = rateDifference(rateA, rateB);
  const what = metric === 'solve rate' ? 'solved' : 'had a peer correction in';
  const fraction = (rate: RateInterval) => `${rate.successes} of ${rate.trials} runs${rate.rate === null ? '' : ` (${percent(rate.rate)})`}`;
  if (!difference) {
    return { metric, a: a.condition, b: b.condition, difference: null, low: null, high: null, distinguishable: false, sentence: `${a.condition} and ${b.condition} cannot be compared: one of them has no runs.` };
  }
  const distinguishable = difference.low > 0 || difference.high < 0;
  const direction = difference.difference > 0 ? 'more often than' : difference.difference < 0 ? 'less often than' : 'as often as';
  const points = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(Math.round(value * 100))}`;
  const sentence =
    `${a.condition} ${what} ${fraction(rateA)}, ${direction} ${b.condition} (${fraction(rateB)}): a difference of ${points(difference.difference)} points ` +
    `(95% CI ${points(difference.low)} to ${points(difference.high)}); the difference is ${distinguishable ? '' : 'not '}distinguishable from chance at this N.`;
  return { metric, a: a.condition, b: b.condition, ...difference, distinguishable, sentence };
}

function percent(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}

function methodNotes(): string[] {
  return [
    'solved: the hidden tests (the task\'s grade command over upstream\'s last commit with hidden/ copied in) exit 0.',
    'peer correction: agent B\'s commit makes tests pass again that a commit of agent A (A ≠ B) made fail; found by running the visible and hidden tests at every upstream commit and at every commit a patch mail carried; a [PATCH v2] in the thread of an earlier patch is compared with that patch. Counted once per (breaking change, fixer).',
    'prompted: before the fix, a mail from someone else in the breaking patch\'s thread had B in To: (in a pipeline, every hand-off is addressed to the next stage). Unprompted otherwise.',
    'rates: Wilson score intervals (95%); differences of rates: Newcombe hybrid score intervals (95%); means and per-solved-task figures: percentile bootstrap over runs (2000 resamples, fixed seed 20260101).',
    'cost: estimated from each agent\'s tokens at list prices by model family (pricing.ts, or --prices); the scripted, offline and replayed models cost nothing.',
  ];
}
