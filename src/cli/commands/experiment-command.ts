// `mailswarm experiment run|report|replay`: the reproduction harness of issue 14. `run` plays every (task,
// condition, repeat) of a suite in its own data directory and writes the report; `report` (re)writes
// results.json and report.html from an experiment folder; `replay` plays one recorded run again from its
// recording and says whether the result is the same. The work is in src/experiment/. Each run's log goes to
// its log.jsonl at the global --log-level.
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, type GlobalOptions } from '../cli-options.ts';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof logLevels)[number];

function positiveInteger(flag: string) {
  return (value: string) => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < 1) throw new CliError(`${flag}: "${value}" is not a positive whole number`);
    return number;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerExperimentCommand(program: Command): void {
  const experiment = program.command('experiment').description('measure whether the substrate makes agents fix each other\'s bugs: run a suite under several conditions and report');
  experiment
    .command('run')
    .description('run every task of SUITE under each condition, --repeats times, in parallel up to --jobs; then write the report')
    .argument('<suite>', 'a suite folder, e.g. experiments/suites/bugs')
    .option('--conditions <list>', 'comma-separated: email-cc, email-direct, pipeline, single', 'email-cc,email-direct,pipeline,single')
    .option('--repeats <n>', 'runs per task and condition', positiveInteger('--repeats'), 1)
    .option('--model <agent=spec>', 'play an agent with this model instead of its definition\'s (repeatable), e.g. builder=openai:gpt-5', collect, [])
    .option('--budget-usd <amount>', 'refuse to start when the worst-case cost estimate is higher')
    .option('--out <dir>', 'the experiment folder (runs/, results.json, report.html)', 'experiment-out')
    .option('--jobs <n>', 'runs at the same time', positiveInteger('--jobs'), 2)
    .option('--tasks <list>', 'only these tasks (comma-separated folder names)')
    .option('--schedule <mode>', 'serial: one agent acts at a time, reproducible (default); free: agents overlap as in `mailswarm up`', 'serial')
    .option('--prices <file>', 'USD per million tokens by model pattern (YAML list of {match, input, output}), before the built-in list prices')
    .option('--allow-offline', 'an agent without API key and without scripted turns plays the offline model instead of stopping the experiment')
    .addHelpText(
      'after',
      '\nExamples:\n  mailswarm experiment run experiments/suites/bugs --out /tmp/exp          # no keys: scripted agents, $0\n' +
        '  mailswarm experiment run experiments/suites/bugs --repeats 5 --budget-usd 40 --out results/bugs\n' +
        '  mailswarm experiment run experiments/suites/bugs --model builder=openai:gpt-5 --conditions email-cc,pipeline --budget-usd 10',
    )
    .action(async (suiteDir: string, options: RunFlags, command: Command) => {
      const { loadSuite, SuiteError } = await import('../../experiment/load-suite.ts');
      const { checkBudget, estimateCost, planRuns, runExperiment } = await import('../../experiment/experiment-runner.ts');
      const { loadPrices, PriceFileError } = await import('../../experiment/pricing.ts');
      const { conditions } = await import('../../experiment/suite-format.ts');
      const { writeReport } = await import('../../experiment/write-report.ts');
      const chosen = options.conditions.split(',').map((condition) => condition.trim()).filter((condition) => condition !== '');
      const unknown = chosen.filter((condition) => !(conditions as readonly string[]).includes(condition));
      if (unknown.length > 0 || chosen.length === 0) throw new CliError(`--conditions: unknown ${unknown.join(', ') || '(none given)'}; choose from ${conditions.join(', ')}`);
      const schedule = parseSchedule(options.schedule);
      const logLevel = parseLogLevel(command.optsWithGlobals<GlobalOptions>().logLevel ?? 'info');
      const budget = options.budgetUsd === undefined ? undefined : Number(options.budgetUsd);
      if (budget !== undefined && (!Number.isFinite(budget) || budget < 0)) throw new CliError(`--budget-usd: "${options.budgetUsd}" is not an amount of dollars`);
      let suite;
      let prices;
      try {
        suite = loadSuite(suiteDir);
        prices = loadPrices(options.prices);
      } catch (error) {
        if (error instanceof SuiteError || error instanceof PriceFileError) throw new CliError(error.message);
        throw error;
      }
      const settings = {
        conditions: chosen as Array<(typeof conditions)[number]>,
        repeats: options.repeats,
        jobs: options.jobs,
        schedule,
        prices,
        tasks: options.tasks ? options.tasks.split(',').map((task) => task.trim()).filter((task) => task !== '') : [],
        modelOverrides: parseModelOverrides(options.model),
        allowOffline: options.allowOffline === true,
        logLevel,
      };
      let plan;
      let estimate;
      try {
        plan = planRuns(suite, settings);
        estimate = estimateCost(plan, settings);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      console.error(`${suite.name}: ${plan.length} runs (${new Set(plan.map((spec) => spec.task.id)).size} tasks × ${settings.conditions.length} conditions × ${settings.repeats}), ${settings.jobs} at a time.`);
      console.error(`Cost estimate: at most $${estimate.worstCaseUsd.toFixed(2)}${estimate.paidModels.length > 0 ? ` (every run using its whole max_tokens; paid models: ${estimate.paidModels.join(', ')})` : ' (no paid model: scripted, offline or local models only)'}.`);
      if (estimate.fallbacks.length > 0) console.error(`Without their vendor's API key these agents do not run on their configured model:\n${estimate.fallbacks.map((line) => `  ${line}`).join('\n')}`);
      const refusal = checkBudget(estimate, budget);
      if (refusal) throw new CliError(refusal);
      const outDir = path.resolve(options.out);
      const results = await runExperiment(plan, outDir, settings, process.stderr);
      const { reportFile, resultsFile } = await writeReport(outDir);
      const solved = results.filter((result) => result.solved).length;
      const errors = results.filter((result) => result.end === 'error');
      console.log(`${solved} of ${results.length} runs solved. Results: ${resultsFile}\nReport: ${reportFile}`);
      if (errors.length > 0) {
        console.error(`${errors.length} run(s) failed:\n${errors.map((result) => `  ${result.id}: ${result.error}`).join('\n')}`);
        process.exitCode = 1;
      }
    });
  experiment
    .command('report')
    .description('write results.json and report.html (and each run\'s page) from an experiment folder')
    .argument('<dir>', 'the --out folder of `experiment run`')
    .action(async (dir: string) => {
      const { writeReport } = await import('../../experiment/write-report.ts');
      try {
        const { reportFile, resultsFile, results } = await writeReport(path.resolve(dir));
        console.log(`${results.runs.length} runs. Results: ${resultsFile}\nReport: ${reportFile}`);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
    });
  experiment
    .command('replay')
    .description('play a recorded run again from its recording (no keys, no network) and compare its result with the recorded one')
    .argument('<run>', 'a run folder, e.g. experiment-out/runs/js-median--email-cc--1')
    .option('--out <dir>', 'where the replay goes (default: <run>/replay)')
    .option('--prices <file>', 'the price file the run was made with, if any')
    .action(async (runDir: string, options: { out?: string; prices?: string }, command: Command) => {
      const { replayRun } = await import('../../experiment/replay-run.ts');
      const { loadPrices } = await import('../../experiment/pricing.ts');
      let outcome;
      try {
        outcome = await replayRun(path.resolve(runDir), { outDir: options.out, prices: loadPrices(options.prices), logLevel: parseLogLevel(command.optsWithGlobals<GlobalOptions>().logLevel ?? 'info') });
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      if (outcome.replayed.end === 'error') throw new CliError(`the replay failed: ${outcome.replayed.error}`);
      if (outcome.differences.length === 0) {
        console.log(`Replayed ${outcome.original.id} in ${outcome.replayDir}: the same result (${outcome.replayed.solved ? 'solved' : 'not solved'}, ${outcome.replayed.turns} turns, ${outcome.replayed.messages} messages, ${outcome.replayed.peerCorrections.peer} peer corrections).`);
        return;
      }
      console.log(`Replayed ${outcome.original.id} in ${outcome.replayDir}: the result DIFFERS in ${outcome.differences.join(', ')}.`);
      process.exitCode = 1;
    });
}

interface RunFlags {
  conditions: string;
  repeats: number;
  model: string[];
  budgetUsd?: string;
  out: string;
  jobs: number;
  tasks?: string;
  schedule: string;
  prices?: string;
  allowOffline?: boolean;
}

function parseSchedule(value: string): 'serial' | 'free' {
  if (value !== 'serial' && value !== 'free') throw new CliError(`--schedule: "${value}" is neither serial nor free`);
  return value;
}

function parseLogLevel(value: string): LogLevel {
  if (!(logLevels as readonly string[]).includes(value)) throw new CliError(`--log-level: "${value}" is not one of ${logLevels.join(', ')}`);
  return value as LogLevel;
}

/** "builder=openai:gpt-5" → builder → openai:gpt-5; a scripted file is named relative to the current folder. */
function parseModelOverrides(values: string[]): Map<string, string> {
  const overrides = new Map<string, string>();
  for (const value of values) {
    const match = /^([a-z0-9][a-z0-9._-]*)=(.+)$/.exec(value.trim());
    if (!match) throw new CliError(`--model: "${value}" is not agent=spec (e.g. builder=anthropic:claude-sonnet-4-5)`);
    const spec = match[2]!.startsWith('scripted:') ? `scripted:${path.resolve(match[2]!.slice('scripted:'.length))}` : match[2]!;
    overrides.set(match[1]!, spec);
  }
  return overrides;
}
