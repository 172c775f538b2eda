// Reads and checks an experiment suite (format: suite-format.ts, experiments/README.md). Every mistake is a
// SuiteError naming the file and the field (or the folder and what is missing), found before any run starts:
// unknown fields, a task whose `to` is not in its team, a missing repo/ or hidden/, an unreadable turns file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { AgentDefinitionError, loadAgentDefinitions, type AgentDefinition } from '../swarm/agent-definition.ts';
import { suiteFileSchema, taskFileSchema, type ExperimentSuite, type ExperimentTask } from './suite-format.ts';

export class SuiteError extends Error {
  override name = 'SuiteError';
}

const taskIdPattern = /^[a-z0-9][a-z0-9._-]*$/;

export function loadSuite(suiteDir: string): ExperimentSuite {
  const dir = path.resolve(suiteDir);
  if (!isDirectory(dir)) throw new SuiteError(`${dir}: no such suite folder`);
  const suiteFile = path.join(dir, 'suite.yaml');
  const settings = parseWith(suiteFileSchema, existsSync(suiteFile) ? readYaml(suiteFile) : {}, suiteFile);
  const agentsDir = path.join(dir, 'agents');
  const tasks: ExperimentTask[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const taskDir = path.join(dir, entry);
    if (entry.startsWith('.') || entry.startsWith('_') || entry === 'agents' || !isDirectory(taskDir)) continue;
    tasks.push(loadTask(taskDir, agentsDir));
  }
  if (tasks.length === 0) throw new SuiteError(`${dir}: no tasks (a task is a folder with a task.yaml)`);
  for (const task of tasks) checkTeam(task, settings.pipeline, settings.single);
  return { dir, name: settings.name ?? path.basename(dir), description: settings.description, settings, agentsDir, tasks };
}

export function loadTask(taskDir: string, suiteAgentsDir: string): ExperimentTask {
  const id = path.basename(taskDir);
  const file = path.join(taskDir, 'task.yaml');
  if (!existsSync(file)) throw new SuiteError(`${taskDir}: not a task: it has no task.yaml (folders starting with "_" or "." are skipped)`);
  if (!taskIdPattern.test(id)) throw new SuiteError(`${taskDir}: a task folder's name must be lower-case letters, digits, ".", "_" or "-" (it names the project and the runs)`);
  const spec = parseWith(taskFileSchema, readYaml(file), file);
  const repoDir = path.join(taskDir, 'repo');
  if (!isDirectory(repoDir) || readdirSync(repoDir).length === 0) throw new SuiteError(`${taskDir}: repo/ is missing or empty (the project's files with its visible tests)`);
  const hiddenDir = path.join(taskDir, 'hidden');
  if (!isDirectory(hiddenDir)) throw new SuiteError(`${taskDir}: hidden/ is missing (the grading tests, copied over a checkout of upstream to grade it)`);
  const agentsDir = spec.agents === undefined ? suiteAgentsDir : path.resolve(taskDir, spec.agents);
  if (!isDirectory(agentsDir)) {
    throw new SuiteError(spec.agents === undefined ? `${taskDir}: its suite has no agents/ folder (the team) and task.yaml names no "agents"` : `${file}: field "agents": ${agentsDir} is not a folder`);
  }
  const turns = new Map<string, string>();
  const turnsDir = path.join(taskDir, 'turns');
  if (isDirectory(turnsDir)) {
    for (const entry of readdirSync(turnsDir).sort()) {
      if (entry.endsWith('.yaml') || entry.endsWith('.yml')) turns.set(entry.replace(/\.ya?ml$/, ''), path.join(turnsDir, entry));
    }
  }
  return { id, dir: taskDir, file, spec, repoDir, repoIsGit: existsSync(path.join(repoDir, '.git')), hiddenDir, agentsDir, turns };
}

/** The team of a task, as loaded from its agents folder. */
export function loadTeam(task: ExperimentTask): AgentDefinition[] {
  try {
    return loadAgentDefinitions(task.agentsDir);
  } catch (error) {
    if (error instanceof AgentDefinitionError) throw new SuiteError(error.message);
    throw error;
  }
}

function checkTeam(task: ExperimentTask, pipeline: string[], single: string | undefined): void {
  const names = new Set(loadTeam(task).map((agent) => agent.name));
  const known = [...names].join(', ') || 'none';
  if (!names.has(task.spec.to)) throw new SuiteError(`${task.file}: field "to": no agent "${task.spec.to}" in ${task.agentsDir} (agents: ${known})`);
  for (const name of pipeline) {
    if (!names.has(name)) throw new SuiteError(`${task.file}: the suite's pipeline names "${name}", which is not an agent of ${task.agentsDir} (agents: ${known}); set "pipeline:" in suite.yaml`);
  }
  if (single !== undefined && !names.has(single)) throw new SuiteError(`${task.file}: the suite's "single" agent "${single}" is not an agent of ${task.agentsDir} (agents: ${known})`);
  for (const agent of task.turns.keys()) {
    if (!names.has(agent)) throw new SuiteError(`${task.dir}/turns/${agent}.yaml: no agent "${agent}" in ${task.agentsDir} (agents: ${known})`);
  }
}

function readYaml(file: string): unknown {
  const document = parseDocument(readFileSync(file, 'utf8'));
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const where = first.linePos ? ` (line ${first.linePos[0].line}, column ${first.linePos[0].col})` : '';
    throw new SuiteError(`${file}${where}: not valid YAML: ${first.message.split('\n')[0]}`);
  }
  return document.toJS() ?? {};
}

function parseWith<Schema extends z.ZodType>(schema: Schema, value: unknown, file: string): z.infer<Schema> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SuiteError(`${file}: expected a mapping of fields at the top level`);
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `field "${issue.path.map(String).join('.') || '(top level)'}": ${describeIssue(issue)}`);
  throw new SuiteError(`${file}: ${problems.join('; ')}`);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return 'is required';
  return issue.message;
}

function isDirectory(candidate: string): boolean {
  return existsSync(candidate) && statSync(candidate).isDirectory();
}
