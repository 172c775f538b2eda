// `mailswarm experiment replay DIR/runs/<id>`: plays a recorded run again in a fresh folder (default
// <run>/replay), every model call answered from the run's recording (no keys, no network), and compares the
// new result with the recorded one. Equal means equal in everything but timing and the note saying the
// models were replayed.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { executeRun } from './experiment-runner.ts';
import { loadSuite } from './load-suite.ts';
import type { Price } from './pricing.ts';
import type { RunResult } from './run-evaluation.ts';
import { runIdOf, type RunSpec } from './run-setup.ts';
import { conditions, type Condition } from './suite-format.ts';
import type { Schedule } from './turn-scheduler.ts';

interface RecordedRunSettings {
  suite: string;
  task: string;
  condition: Condition;
  repeat: number;
  schedule: Schedule;
  modelOverrides: Record<string, string>;
  allowOffline: boolean;
}

export interface ReplayOutcome {
  original: RunResult;
  replayed: RunResult;
  replayDir: string;
  /** Fields (dotted paths) that differ, timing and replay notes left out. */
  differences: string[];
}

export async function replayRun(runDir: string, options: { outDir?: string | undefined; prices: Price[]; logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' }): Promise<ReplayOutcome> {
  const runFile = path.join(runDir, 'run.json');
  const resultFile = path.join(runDir, 'result.json');
  const recording = path.join(runDir, 'recording');
  for (const needed of [runFile, resultFile, recording]) {
    if (!existsSync(needed)) throw new Error(`${runDir} is not a finished, recorded run: ${path.basename(needed)} is missing`);
  }
  const settings = JSON.parse(readFileSync(runFile, 'utf8')) as RecordedRunSettings;
  if (!conditions.includes(settings.condition)) throw new Error(`${runFile}: field "condition": unknown condition "${String(settings.condition)}"`);
  const suite = loadSuite(settings.suite);
  const task = suite.tasks.find((candidate) => candidate.id === settings.task);
  if (!task) throw new Error(`${runFile}: the suite ${settings.suite} has no task "${settings.task}" any more`);
  const spec: RunSpec = { id: runIdOf(task, settings.condition, settings.repeat), suite, task, condition: settings.condition, repeat: settings.repeat };
  const original = JSON.parse(readFileSync(resultFile, 'utf8')) as RunResult;
  const replayDir = path.resolve(options.outDir ?? path.join(runDir, 'replay'));
  const replayed = await executeRun(spec, replayDir, {
    schedule: settings.schedule,
    prices: options.prices,
    modelOverrides: new Map(Object.entries(settings.modelOverrides)),
    allowOffline: settings.allowOffline,
    replayDir: path.resolve(recording),
    logLevel: options.logLevel,
  });
  return { original, replayed, replayDir, differences: differencesBetween(comparable(original), comparable(replayed)) };
}

/** A result without what legitimately differs between two plays of the same run. */
export function comparable(result: RunResult): unknown {
  return {
    ...result,
    wallSeconds: undefined,
    models: Object.fromEntries(Object.entries(result.models).map(([agent, model]) => [agent, { ...model, note: undefined }])),
  };
}

export function differencesBetween(left: unknown, right: unknown, where = ''): string[] {
  if (JSON.stringify(left) === JSON.stringify(right)) return [];
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null || Array.isArray(left) !== Array.isArray(right)) return [where || '(the whole result)'];
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  return keys.flatMap((key) => differencesBetween((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key], where ? `${where}.${key}` : key));
}
