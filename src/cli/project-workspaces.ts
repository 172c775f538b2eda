// Prepares the code side of a swarm at start: checks every project of mailswarm.yaml (a git repository at
// `path`) and every agent's `projects:` against them, creates each project's upstream bare repository in
// <dataDir>/projects/<name>.git on first start, and probes the sandbox once. Bad values stop the start with
// the file, the field and the reason.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { MailswarmConfig } from '../config/config-schema.ts';
import type { Logger } from '../logger.ts';
import type { AgentDefinition } from '../swarm/agent-definition.ts';
import type { WorkspaceSettings } from '../swarm/agent-workspaces.ts';
import { ensureUpstream, ProjectSourceError, validateProjectSource } from '../workspace/project-upstream.ts';
import { importPlainFiles, PlainFilesImportError } from '../workspace/plain-files-import.ts';
import { Sandbox } from '../workspace/sandbox/sandbox.ts';
import type { CommitDates } from '../workspace/workspace.ts';
import { CliError } from './cli-options.ts';
import type { CodeFacts } from './live-view/live-view-types.ts';

export function upstreamPathOf(dataDir: string, projectName: string): string {
  return path.join(dataDir, 'projects', `${projectName}.git`);
}

/** Refuses agents that name a project the configuration does not define. */
export function checkAgentProjects(config: MailswarmConfig, agents: AgentDefinition[], configFile: string | undefined): void {
  const known = new Set(config.projects.map((project) => project.name));
  for (const agent of agents) {
    for (const name of agent.projects) {
      if (known.has(name)) continue;
      const defined = known.size > 0 ? `defined: ${[...known].join(', ')}` : `${configFile ?? 'the configuration'} defines no projects`;
      throw new CliError(`${agent.sourceFile ?? agent.name}: field "projects": unknown project "${name}" (${defined})`);
    }
  }
}

/** Validates the projects and creates their upstreams; undefined when no agent works on a project. */
export async function prepareWorkspaces(options: {
  config: MailswarmConfig;
  configFile: string | undefined;
  agents: AgentDefinition[];
  commitDates: CommitDates;
  logger: Logger;
}): Promise<WorkspaceSettings | undefined> {
  const { config, agents, logger } = options;
  checkAgentProjects(config, agents, options.configFile);
  const source = options.configFile ?? 'mailswarm.yaml';
  const names = new Set<string>();
  for (const [index, project] of config.projects.entries()) {
    if (names.has(project.name)) throw new CliError(`${source}: projects[${index}].name: "${project.name}" is used twice`);
    names.add(project.name);
    if (project.plainFiles) continue;
    try {
      await validateProjectSource(project.path, { field: `projects[${index}].path` });
    } catch (error) {
      if (error instanceof ProjectSourceError) throw new CliError(`${source}: ${error.message}`);
      throw error;
    }
  }
  if (!agents.some((agent) => agent.projects.length > 0)) return undefined;
  const projects = [];
  for (const [index, project] of config.projects.entries()) {
    const upstreamPath = upstreamPathOf(config.dataDir, project.name);
    const sourcePath = project.plainFiles && !existsSync(upstreamPath) ? await importProjectFiles(project.path, upstreamPath, `${source}: projects[${index}].path`) : project.path;
    const { created, branch } = await ensureUpstream({ sourcePath, upstreamPath });
    if (sourcePath !== project.path) rmSync(sourcePath, { recursive: true, force: true });
    if (created) logger.info({ project: project.name, upstreamPath, branch }, 'project upstream created from the source repository');
    projects.push({ name: project.name, upstreamPath, test: project.test, setup: project.setup });
  }
  const workspacesDir = path.join(config.dataDir, 'workspaces');
  const scratchDir = path.join(config.dataDir, 'scratch');
  mkdirSync(workspacesDir, { recursive: true });
  mkdirSync(scratchDir, { recursive: true });
  const sandbox = await Sandbox.create({
    mode: config.sandbox.mode,
    hiddenPaths: [config.dataDir],
    limits: {
      timeoutMs: config.sandbox.timeoutSeconds * 1000,
      maxOutputBytes: config.sandbox.maxOutputBytes,
      maxProcesses: config.sandbox.maxProcesses,
      maxMemoryBytes: config.sandbox.maxMemoryMb * 1024 * 1024,
    },
  });
  if (!sandbox.status.available) logger.warn({ reason: sandbox.status.reason }, 'sandbox unavailable: run_command and run_tests will refuse');
  return { projects, workspacesDir, scratchDir, sandbox, commitDates: options.commitDates };
}

/** A plain folder's files as one commit of a scratch repository beside the upstream, to clone it from. */
async function importProjectFiles(sourceDir: string, upstreamPath: string, field: string): Promise<string> {
  const repositoryPath = `${upstreamPath}.import`;
  rmSync(repositoryPath, { recursive: true, force: true });
  try {
    await importPlainFiles({ sourceDir, repositoryPath, message: `Import ${path.basename(sourceDir)}` });
  } catch (error) {
    if (error instanceof PlainFilesImportError) throw new CliError(`${field}: ${error.message}`);
    throw error;
  }
  return repositoryPath;
}

/** What `mailswarm status` shows of the code side. */
export function codeFactsOf(settings: WorkspaceSettings | undefined): CodeFacts | undefined {
  if (!settings) return undefined;
  return {
    projects: settings.projects.map((project) => ({ name: project.name, upstream: project.upstreamPath })),
    sandbox: { available: settings.sandbox.status.available, description: settings.sandbox.status.description },
  };
}
