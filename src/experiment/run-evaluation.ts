// Turns what a run left behind into its result (result.json): solved (the hidden tests pass on upstream's
// final commit), the visible tests there, wall time, messages, turns, tokens and estimated cost per agent and
// vendor, held mail by guard rule, and the peer corrections found by testing every upstream commit and every
// commit a patch mail carried (commit-history.ts, peer-corrections.ts). Checkouts live under <run>/grading/,
// outside the data directory, which the grading sandbox hides.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { patchPosition } from '../swarm/patch-tools.ts';
import { runGit } from '../workspace/git-runner.ts';
import { importIdentity } from '../workspace/plain-files-import.ts';
import { collectCommitHistory } from './commit-history.ts';
import { attributeCorrections, summariseCorrections, type Correction } from './peer-corrections.ts';
import { costOf, type Price } from './pricing.ts';
import type { RunRecord } from './run-record.ts';
import { writeJson } from './run-record.ts';
import { DOMAIN, type PreparedRun, type RunSpec } from './run-setup.ts';
import { TaskGrader, writeGradeOutputs } from './run-grading.ts';
import type { Condition } from './suite-format.ts';
import { failingTests } from './test-output.ts';

export interface TokenCount {
  input: number;
  output: number;
}

export interface RunResult {
  id: string;
  task: string;
  condition: Condition;
  repeat: number;
  /** quiet: the agents had nothing left to do; timeout; token-budget; error: the run could not finish. */
  end: 'quiet' | 'timeout' | 'token-budget' | 'error';
  error: string | undefined;
  solved: boolean;
  visibleTestsPass: boolean;
  visibleFailing: string[];
  hiddenFailing: string[];
  /** Timing: the only field that differs between identical runs. */
  wallSeconds: number;
  messages: number;
  heldMessages: number;
  guardTrips: Record<string, number>;
  turns: number;
  turnsByAgent: Record<string, number>;
  tokens: TokenCount;
  tokensByAgent: Record<string, TokenCount>;
  tokensByVendor: Record<string, TokenCount & { costUsd: number }>;
  costUsd: number;
  models: Record<string, { model: string; vendor: string; note: string | undefined }>;
  upstreamCommits: number;
  patchSeries: number;
  peerCorrections: ReturnType<typeof summariseCorrections>;
  corrections: Correction[];
}

export async function evaluateRun(run: PreparedRun, record: RunRecord, prices: Price[]): Promise<RunResult> {
  const { task } = run.spec;
  const gradingDir = path.join(run.runDir, 'grading');
  mkdirSync(gradingDir, { recursive: true });
  const grader = await TaskGrader.create(task, run.spec.suite.settings.sandbox, [run.dataDir]);

  const final = path.join(gradingDir, 'final');
  rmSync(final, { recursive: true, force: true });
  await runGit(['clone', '--quiet', '--', run.upstreamPath, final], { cwd: gradingDir });
  const grade = await grader.grade(final);
  writeGradeOutputs(gradingDir, grade);
  rmSync(final, { recursive: true, force: true });

  const patchMails = record.messages
    .filter((message) => message.outcome === 'delivered' && message.from !== 'human' && patchPosition(message.subject) !== undefined)
    .map((message) => ({ messageId: message.messageId, order: message.sequence, from: message.from, subject: message.subject, inReplyTo: message.inReplyTo, references: message.references, raw: message.raw }));
  const history = await collectCommitHistory({
    upstreamPath: run.upstreamPath,
    scratchDir: path.join(gradingDir, 'history'),
    patchMails,
    authorOf: (email) => (email === importIdentity.email ? 'import' : email.toLowerCase().endsWith(`@${DOMAIN}`) ? email.slice(0, -DOMAIN.length - 1).toLowerCase() : email.toLowerCase()),
    testsAt: (directory) => grader.testsAt(directory),
    upstreamOrder: (sha) => record.upstreamOrder.get(sha),
  });
  rmSync(path.join(gradingDir, 'history'), { recursive: true, force: true });
  const attribution = attributeCorrections(history.nodes, record.addressed);
  writeJson(path.join(gradingDir, 'commits.json'), {
    upstream: history.upstream,
    series: history.series,
    nodes: history.nodes.map((node) => ({ ...node, tests: Object.fromEntries([...node.tests].sort(([left], [right]) => left.localeCompare(right))) })),
  });

  const tokensByAgent: Record<string, TokenCount> = {};
  const turnsByAgent: Record<string, number> = {};
  for (const turn of record.turns) {
    const count = (tokensByAgent[turn.agent] ??= { input: 0, output: 0 });
    count.input += turn.inputTokens;
    count.output += turn.outputTokens;
    turnsByAgent[turn.agent] = (turnsByAgent[turn.agent] ?? 0) + 1;
  }
  const models = modelsOf(run);
  const tokensByVendor: RunResult['tokensByVendor'] = {};
  let costUsd = 0;
  for (const [agent, count] of Object.entries(tokensByAgent)) {
    const model = models[agent];
    const vendor = model?.vendor ?? 'unknown';
    const cost = costOf(model?.model ?? 'unknown', count.input, count.output, prices);
    const entry = (tokensByVendor[vendor] ??= { input: 0, output: 0, costUsd: 0 });
    entry.input += count.input;
    entry.output += count.output;
    entry.costUsd += cost;
    costUsd += cost;
  }
  const guardTrips: Record<string, number> = {};
  for (const held of record.held) guardTrips[held.rule] = (guardTrips[held.rule] ?? 0) + 1;
  return {
    ...identity(run.spec),
    end: record.end,
    error: undefined,
    solved: grade.hidden.passed,
    visibleTestsPass: grade.visible.passed,
    visibleFailing: failingTests(grade.visible.run),
    hiddenFailing: failingTests(grade.hidden.run),
    wallSeconds: Math.round(record.wallMs / 100) / 10,
    messages: record.messages.filter((message) => message.outcome === 'delivered').length,
    heldMessages: record.held.length,
    guardTrips,
    turns: record.turns.length,
    turnsByAgent: sortedRecord(turnsByAgent),
    tokens: Object.values(tokensByAgent).reduce((sum, count) => ({ input: sum.input + count.input, output: sum.output + count.output }), { input: 0, output: 0 }),
    tokensByAgent: sortedRecord(tokensByAgent),
    tokensByVendor: sortedRecord(tokensByVendor),
    costUsd,
    models,
    upstreamCommits: Math.max(0, history.upstream.length - 1),
    patchSeries: history.series.length,
    peerCorrections: summariseCorrections(attribution),
    corrections: attribution.corrections,
  };
}

/** The result of a run that could not finish (the error is kept; nothing is solved). */
export function failedRunResult(spec: RunSpec, error: unknown, wallMs: number): RunResult {
  return {
    ...identity(spec),
    end: 'error',
    error: error instanceof Error ? error.message : String(error),
    solved: false,
    visibleTestsPass: false,
    visibleFailing: [],
    hiddenFailing: [],
    wallSeconds: Math.round(wallMs / 100) / 10,
    messages: 0,
    heldMessages: 0,
    guardTrips: {},
    turns: 0,
    turnsByAgent: {},
    tokens: { input: 0, output: 0 },
    tokensByAgent: {},
    tokensByVendor: {},
    costUsd: 0,
    models: {},
    upstreamCommits: 0,
    patchSeries: 0,
    peerCorrections: { peer: 0, peerPrompted: 0, peerUnprompted: 0, self: 0, breakages: 0, unfixedBreakages: 0 },
    corrections: [],
  };
}

export function modelsOf(run: PreparedRun): RunResult['models'] {
  const models: RunResult['models'] = {};
  for (const agent of run.agents) {
    const model = run.models.get(agent.name)!;
    models[agent.name] = { model: model.id, vendor: model.vendor, note: run.fallbacks.get(agent.name) };
  }
  return models;
}

function identity(spec: RunSpec): Pick<RunResult, 'id' | 'task' | 'condition' | 'repeat'> {
  return { id: spec.id, task: spec.task.id, condition: spec.condition, repeat: spec.repeat };
}

function sortedRecord<Value>(record: Record<string, Value>): Record<string, Value> {
  return Object.fromEntries(Object.entries(record).sort(([left], [right]) => left.localeCompare(right)));
}
