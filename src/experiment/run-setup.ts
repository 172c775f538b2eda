// Everything a run needs before its condition takes over, built by the same functions `mailswarm up` uses:
// the configuration (ports 0, its own data directory, the task's project as a plain-files or git project),
// the team (the task's agents, each working on the task's project, each played by the task's scripted turns
// when its vendor key is missing), the models (prepareModels: recorded to <run>/recording, or replayed from a
// recording), the workspaces and sandbox (prepareWorkspaces), and a log file of its own (<run>/log.jsonl:
// runs go on in parallel in one process, and each keeps its own log). The configuration and the team as
// run are kept in <run>/config.json.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { configSchema, type MailswarmConfig } from '../config/config-schema.ts';
import type { Logger } from '../logger.ts';
import type { LanguageModel } from '../providers/model.ts';
import { prepareWorkspaces, upstreamPathOf } from '../cli/project-workspaces.ts';
import { isDeterministicRun, prepareModels } from '../cli/start-agents.ts';
import type { AgentDefinition } from '../swarm/agent-definition.ts';
import type { WorkspaceSettings } from '../swarm/agent-workspaces.ts';
import { loadTeam } from './load-suite.ts';
import { writeJson } from './run-record.ts';
import type { Condition, ExperimentSuite, ExperimentTask } from './suite-format.ts';

export interface RunSpec {
  /** "<task>--<condition>--<repeat>": the run's folder under <out>/runs/. */
  id: string;
  suite: ExperimentSuite;
  task: ExperimentTask;
  condition: Condition;
  repeat: number;
}

export interface RunOptions {
  /** agent name → model spec that replaces the definition's `model`. */
  modelOverrides: Map<string, string>;
  /** An agent without a key and without scripted turns plays the offline model instead of stopping the run. */
  allowOffline: boolean;
  /** Answer every model call from this recording instead of calling any model. */
  replayDir?: string | undefined;
  logLevel: MailswarmConfig['logLevel'];
}

export interface PreparedRun {
  spec: RunSpec;
  runDir: string;
  dataDir: string;
  config: MailswarmConfig;
  agents: AgentDefinition[];
  models: Map<string, LanguageModel>;
  /** agent → why it does not run on its configured model (no key: scripted or offline). */
  fallbacks: Map<string, string>;
  workspaces: WorkspaceSettings;
  upstreamPath: string;
  recordDir: string | undefined;
  logger: Logger;
  closeLog(): void;
}

export const HUMAN = { name: 'human', password: 'human', displayName: 'Experiment Human' } as const;
export const DOMAIN = 'swarm.local';

export function runIdOf(task: ExperimentTask, condition: Condition, repeat: number): string {
  return `${task.id}--${condition}--${repeat}`;
}

/** The agents of a run: the whole team (e-mail), the pipeline's stages in order, or the single agent. */
export function teamFor(spec: RunSpec, modelOverrides: Map<string, string>): AgentDefinition[] {
  const team = loadTeam(spec.task);
  const byName = new Map(team.map((agent) => [agent.name, agent]));
  const chosen =
    spec.condition === 'pipeline'
      ? spec.suite.settings.pipeline.map((name) => byName.get(name)!)
      : spec.condition === 'single'
        ? [byName.get(spec.suite.settings.single ?? spec.task.spec.to)!]
        : team;
  const totalSteps = team.reduce((sum, agent) => sum + agent.budgets.maxToolStepsPerTurn, 0);
  return chosen.map((agent) => {
    const turns = spec.task.turns.get(agent.name);
    const definitionDir = path.dirname(path.resolve(agent.sourceFile ?? path.join(spec.task.agentsDir, `${agent.name}.md`)));
    const single = spec.condition === 'single';
    return {
      ...agent,
      model: modelOverrides.get(agent.name) ?? agent.model,
      // Relative to the definition (as createModel resolves it): the same spec wherever the suite lies.
      fallbackModel: turns ? `scripted:${path.relative(definitionDir, turns)}` : agent.fallbackModel,
      projects: [spec.task.id],
      // Alone, the agent must be able to land its own work; and it gets the whole team's step budget.
      maintainer: single || agent.maintainer,
      budgets: single ? { ...agent.budgets, maxToolStepsPerTurn: totalSteps } : agent.budgets,
    };
  });
}

export async function prepareRun(spec: RunSpec, runDir: string, options: RunOptions): Promise<PreparedRun> {
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const dataDir = path.join(runDir, 'data');
  const destination = pino.destination({ dest: path.join(runDir, 'log.jsonl'), sync: true, mkdir: true });
  const logger: Logger = pino({ level: options.logLevel, base: { app: 'mailswarm', run: spec.id } }, destination);
  const closeLog = () => destination.end();
  try {
    const { task } = spec;
    const config = configSchema.parse({
      domain: DOMAIN,
      host: '127.0.0.1',
      ports: { imap: 0, submission: 0, smtp: 0, web: 0 },
      dataDir,
      agentsDir: task.agentsDir,
      humans: [HUMAN],
      projects: [{ name: task.id, path: task.repoDir, plainFiles: !task.repoIsGit, test: task.spec.test, ...(task.spec.setup ? { setup: task.spec.setup } : {}) }],
      sandbox: { mode: spec.suite.settings.sandbox, timeoutSeconds: Math.min(task.spec.timeout, 300) },
      logLevel: options.logLevel,
    });
    const agents = teamFor(spec, options.modelOverrides);
    const recordDir = options.replayDir ? undefined : path.join(runDir, 'recording');
    const modelOptions = { allowOfflineFallback: options.allowOffline, recordDir, replayDir: options.replayDir };
    const { models, fallbacks } = prepareModels(agents, modelOptions);
    const commitDates = isDeterministicRun(models, modelOptions) ? 'logical' : 'wall';
    const workspaces = await prepareWorkspaces({ config, configFile: task.file, agents, commitDates, logger });
    if (!workspaces) throw new Error(`${task.file}: no agent of the run works on the project`);
    if (!workspaces.sandbox.status.available) throw new Error(`the sandbox cannot run (${workspaces.sandbox.status.reason}): set "sandbox: none" in suite.yaml to run without isolation`);
    writeJson(path.join(runDir, 'config.json'), { config, agents, sandbox: workspaces.sandbox.status.description });
    return { spec, runDir, dataDir, config, agents, models, fallbacks, workspaces, upstreamPath: upstreamPathOf(dataDir, task.id), recordDir, logger, closeLog };
  } catch (error) {
    closeLog();
    throw error;
  }
}

/** The task mail as the human writes it, with a fixed Date and Message-ID so every run starts alike. */
export function taskMail(task: ExperimentTask): { messageId: string; raw: Buffer; recipients: string[] } {
  const messageId = `<task.${task.id}@${DOMAIN}>`;
  const recipient = `${task.spec.to}@${DOMAIN}`;
  const header = [
    `From: ${HUMAN.displayName} <${HUMAN.name}@${DOMAIN}>`,
    `To: ${recipient}`,
    `Subject: ${task.spec.subject.replace(/[\r\n]+/g, ' ')}`,
    `Message-ID: ${messageId}`,
    'Date: Thu, 01 Jan 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  const body = task.spec.body.replace(/\r?\n/g, '\r\n');
  return { messageId, raw: Buffer.from(`${header.join('\r\n')}\r\n\r\n${body}\r\n`, 'utf8'), recipients: [recipient] };
}
