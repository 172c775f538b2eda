// `mailswarm experiment run`: plans every (task, condition, repeat), estimates what it can cost before anything
// starts (refusing past --budget-usd), then runs them up to --jobs at a time, each in its own folder
// <out>/runs/<task>--<condition>--<repeat>/ (run.json, data/, recording/, mail/, grading/, log.jsonl,
// result.json). A finished run whose run.json says it was made with the same settings is kept, so an
// interrupted experiment continues where it stopped.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { prepareModels } from '../cli/start-agents.ts';
import { runHandoffCondition } from './handoff-run.ts';
import { runMailCondition } from './mail-run.ts';
import { worstCaseRunCost, type Price } from './pricing.ts';
import { ProgressBar, type ProgressStream } from './progress-bar.ts';
import { evaluateRun, failedRunResult, modelsOf, type RunResult } from './run-evaluation.ts';
import { writeJson } from './run-record.ts';
import { prepareRun, runIdOf, teamFor, type RunOptions, type RunSpec } from './run-setup.ts';
import type { Condition, ExperimentSuite } from './suite-format.ts';
import type { Schedule } from './turn-scheduler.ts';

export interface ExperimentSettings extends RunOptions {
  conditions: Condition[];
  repeats: number;
  jobs: number;
  schedule: Schedule;
  prices: Price[];
  /** Only these tasks (ids); all when empty. */
  tasks: string[];
}

export interface CostEstimate {
  runs: number;
  /** The most the experiment can cost: every run using its whole token budget at its dearest agent's price. */
  worstCaseUsd: number;
  /** The models that cost money, for the message. */
  paidModels: string[];
  /** "agent: why it does not run on its configured model" (no key: scripted turns or offline), once each. */
  fallbacks: string[];
}

export function planRuns(suite: ExperimentSuite, settings: Pick<ExperimentSettings, 'conditions' | 'repeats' | 'tasks'>): RunSpec[] {
  const unknown = settings.tasks.filter((id) => !suite.tasks.some((task) => task.id === id));
  if (unknown.length > 0) throw new Error(`no task ${unknown.map((id) => `"${id}"`).join(', ')} in ${suite.dir} (tasks: ${suite.tasks.map((task) => task.id).join(', ')})`);
  const tasks = settings.tasks.length === 0 ? suite.tasks : suite.tasks.filter((task) => settings.tasks.includes(task.id));
  const plan: RunSpec[] = [];
  for (let repeat = 1; repeat <= settings.repeats; repeat++) {
    for (const task of tasks) {
      for (const condition of settings.conditions) plan.push({ id: runIdOf(task, condition, repeat), suite, task, condition, repeat });
    }
  }
  return plan;
}

/** Builds every run's models as the run will (no recording, no network) and prices its whole token budget. */
export function estimateCost(plan: RunSpec[], settings: Pick<ExperimentSettings, 'modelOverrides' | 'allowOffline' | 'prices'>): CostEstimate {
  let worstCaseUsd = 0;
  const paid = new Set<string>();
  const byTeam = new Map<string, string[]>();
  const fallbacks = new Set<string>();
  for (const spec of plan) {
    const key = `${spec.task.id}\0${spec.condition}`;
    let specs = byTeam.get(key);
    if (!specs) {
      const prepared = prepareModels(teamFor(spec, settings.modelOverrides), { allowOfflineFallback: settings.allowOffline });
      specs = [...prepared.models.values()].map((model) => model.id);
      for (const [agent, reason] of prepared.fallbacks) fallbacks.add(`${agent}: ${reason.replace(/its fallbackModel scripted:\S+ plays/, 'its scripted turns play')}`);
      byTeam.set(key, specs);
    }
    const cost = worstCaseRunCost(specs, spec.task.spec.max_tokens, settings.prices);
    if (cost > 0) for (const id of specs) if (worstCaseRunCost([id], 1_000_000, settings.prices) > 0) paid.add(id);
    worstCaseUsd += cost;
  }
  return { runs: plan.length, worstCaseUsd, paidModels: [...paid].sort(), fallbacks: [...fallbacks].sort() };
}

/** Refuses an experiment whose worst case exceeds the budget (or that costs money without a budget). */
export function checkBudget(estimate: CostEstimate, budgetUsd: number | undefined): string | undefined {
  if (estimate.worstCaseUsd === 0) return undefined;
  const amount = `$${estimate.worstCaseUsd.toFixed(2)}`;
  if (budgetUsd === undefined) return `these ${estimate.runs} runs may cost up to ${amount} (${estimate.paidModels.join(', ')}): pass --budget-usd to allow it`;
  if (estimate.worstCaseUsd > budgetUsd) {
    return `these ${estimate.runs} runs may cost up to ${amount} (every run using its max_tokens with ${estimate.paidModels.join(', ')}), more than --budget-usd ${budgetUsd}: lower max_tokens, --repeats or the conditions, or raise the budget`;
  }
  return undefined;
}

export async function runExperiment(plan: RunSpec[], outDir: string, settings: ExperimentSettings, progressStream: ProgressStream): Promise<RunResult[]> {
  const progress = new ProgressBar(progressStream, plan.length);
  const results: RunResult[] = new Array(plan.length);
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const index = next++;
      const spec = plan[index]!;
      progress.started(spec.id);
      const result = await executeRun(spec, path.join(outDir, 'runs', spec.id), settings);
      results[index] = result;
      progress.finished(spec.id, summaryOf(result), result.solved);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(settings.jobs, plan.length)) }, worker));
  progress.end();
  return results;
}

/** Prepares, plays and evaluates one run; a failure becomes a result with end "error", never a crash. */
export async function executeRun(spec: RunSpec, runDir: string, settings: Pick<ExperimentSettings, 'schedule' | 'prices'> & RunOptions): Promise<RunResult> {
  const fingerprint = runFingerprint(spec, settings);
  const kept = keptResult(runDir, fingerprint);
  if (kept) return kept;
  const started = Date.now();
  let result: RunResult;
  let closeLog: (() => void) | undefined;
  try {
    const run = await prepareRun(spec, runDir, settings);
    closeLog = run.closeLog;
    writeJson(path.join(runDir, 'run.json'), { ...fingerprint, models: modelsOf(run) });
    const record = spec.condition === 'email-cc' || spec.condition === 'email-direct' ? await runMailCondition(run, settings.schedule) : await runHandoffCondition(run);
    result = await evaluateRun(run, record, settings.prices);
    if (settings.replayDir) for (const model of Object.values(result.models)) model.note = `replayed from ${settings.replayDir}`;
  } catch (error) {
    result = failedRunResult(spec, error, Date.now() - started);
  } finally {
    closeLog?.();
  }
  writeJson(path.join(runDir, 'result.json'), result);
  return result;
}

/** What makes two runs the same run: kept results are reused only for an identical fingerprint. */
export function runFingerprint(spec: RunSpec, settings: Pick<ExperimentSettings, 'schedule'> & RunOptions): Record<string, unknown> {
  return {
    id: spec.id,
    suite: spec.suite.dir,
    task: spec.task.id,
    condition: spec.condition,
    repeat: spec.repeat,
    schedule: settings.schedule,
    modelOverrides: Object.fromEntries([...settings.modelOverrides].sort()),
    allowOffline: settings.allowOffline,
    replayOf: settings.replayDir,
  };
}

function keptResult(runDir: string, fingerprint: Record<string, unknown>): RunResult | undefined {
  const runFile = path.join(runDir, 'run.json');
  const resultFile = path.join(runDir, 'result.json');
  if (!existsSync(runFile) || !existsSync(resultFile)) return undefined;
  const recorded = JSON.parse(readFileSync(runFile, 'utf8')) as Record<string, unknown>;
  const same = Object.entries(fingerprint).every(([key, value]) => JSON.stringify(recorded[key]) === JSON.stringify(value));
  if (!same) return undefined;
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as RunResult;
  return result.end === 'error' ? undefined : result;
}

export function summaryOf(result: RunResult): string {
  if (result.end === 'error') return `ERROR ${result.error}`;
  const corrections = result.peerCorrections;
  return [
    result.solved ? 'solved' : 'not solved',
    `${result.turns} turns`,
    `${result.messages} messages`,
    `${result.tokens.input + result.tokens.output} tokens`,
    ...(corrections.peer > 0 ? [`${corrections.peer} peer correction(s) (${corrections.peerUnprompted} unprompted)`] : []),
    ...(result.heldMessages > 0 ? [`${result.heldMessages} held`] : []),
    ...(result.end !== 'quiet' ? [`ended: ${result.end}`] : []),
    `${result.wallSeconds} s`,
  ].join(', ');
}
