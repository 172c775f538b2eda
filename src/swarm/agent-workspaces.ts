// An agent's access to the git workspaces of its projects, for the code tools. Each project's clone lives
// at <workspacesDir>/<agent>/<project>, is created on first use (and its `setup` command run once, in the
// sandbox), and is refreshed from upstream at the start of every turn that uses a workspace tool, so an agent
// always works on what the maintainers have applied. The git work itself is src/workspace/'s.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.ts';
import type { Sandbox, SandboxRunResult } from '../workspace/sandbox/sandbox.ts';
import { formatRunResult } from '../workspace/sandbox/sandbox.ts';
import { GitDirReplacedError, guardGitDir } from '../workspace/git-dir-guard.ts';
import { Workspace, WorkspaceToolError, type CommitDates } from '../workspace/workspace.ts';

export interface ProjectSetup {
  name: string;
  /** The bare upstream repository mailswarm owns (<dataDir>/projects/<name>.git). */
  upstreamPath: string;
  /** Runs the project's tests inside the sandbox. */
  test: string;
  /** Run once in every new workspace. */
  setup: string | undefined;
}

/** What every agent with projects shares: the projects, where workspaces go, the sandbox. */
export interface WorkspaceSettings {
  projects: ProjectSetup[];
  /** Each agent's clones live under <workspacesDir>/<agent>/<project>. */
  workspacesDir: string;
  /** Temporary clones for applying patches to upstream. */
  scratchDir: string;
  sandbox: Sandbox;
  /** 'logical' in deterministic runs (scripted, record/replay), so replays make the same commits. */
  commitDates: CommitDates;
}

/** A mistake the model can fix about which project it means. */
export class ProjectChoiceError extends Error {
  override name = 'ProjectChoiceError';
}

const setupMarker = 'mailswarm-setup-done';

export class AgentWorkspaces {
  readonly settings: WorkspaceSettings;
  readonly maintainer: boolean;
  readonly #projects: ProjectSetup[];
  readonly #agentName: string;
  readonly #author: { name: string; email: string };
  readonly #logger: Logger;
  readonly #opened = new Map<string, Promise<Workspace>>();
  /** A failed setup, told once to the model at the next use of that workspace. */
  readonly #setupNotes = new Map<string, string>();

  constructor(options: { settings: WorkspaceSettings; agentName: string; author: { name: string; email: string }; projectNames: string[]; maintainer: boolean; logger: Logger }) {
    this.settings = options.settings;
    this.maintainer = options.maintainer;
    this.#agentName = options.agentName;
    this.#author = options.author;
    this.#logger = options.logger;
    this.#projects = options.projectNames.map((name) => {
      const project = options.settings.projects.find((candidate) => candidate.name === name);
      if (!project) throw new Error(`agent ${options.agentName} names project "${name}", which the configuration does not define`);
      return project;
    });
  }

  get projectNames(): string[] {
    return this.#projects.map((project) => project.name);
  }

  /** The project a tool call means: the named one, or the only one. */
  pick(projectName: string | undefined): ProjectSetup {
    if (projectName === undefined) {
      if (this.#projects.length === 1) return this.#projects[0]!;
      throw new ProjectChoiceError(`you work on several projects (${this.projectNames.join(', ')}): say which one with "project"`);
    }
    const project = this.#projects.find((candidate) => candidate.name === projectName);
    if (!project) throw new ProjectChoiceError(`unknown project "${projectName}"; yours: ${this.projectNames.join(', ')}`);
    return project;
  }

  /** Opens (creating and setting up on first use) the agent's workspace of a project. */
  open(project: ProjectSetup): Promise<Workspace> {
    let opened = this.#opened.get(project.name);
    if (!opened) {
      opened = this.#openAndSetUp(project);
      // A failed open (disk, git) is retried by the next call instead of being remembered forever.
      opened.catch(() => this.#opened.delete(project.name));
      this.#opened.set(project.name, opened);
    }
    return opened;
  }

  takeSetupNote(projectName: string): string | undefined {
    const note = this.#setupNotes.get(projectName);
    this.#setupNotes.delete(projectName);
    return note;
  }

  async #openAndSetUp(project: ProjectSetup): Promise<Workspace> {
    const workspacePath = path.join(this.settings.workspacesDir, this.#agentName, project.name);
    const workspace = await Workspace.open({ upstreamPath: project.upstreamPath, path: workspacePath, author: this.#author, commitDates: this.settings.commitDates });
    const marker = path.join(workspace.root, '.git', setupMarker);
    if (project.setup === undefined || existsSync(marker) || !this.settings.sandbox.status.available) return workspace;
    const { result } = await this.runInSandbox(project, workspace, project.setup);
    if (result.exitCode === 0) {
      writeFileSync(marker, `${project.setup}\n`);
      this.#logger.info({ project: project.name }, 'workspace set up');
      return workspace;
    }
    this.#logger.warn({ project: project.name, exitCode: result.exitCode }, 'workspace setup command failed');
    this.#setupNotes.set(project.name, `The setup command of ${project.name} (${project.setup}) failed in your new workspace:\n${formatRunResult(result)}`);
    return workspace;
  }

  /** Runs a command in the workspace under the sandbox. The workspace borrows the upstream's objects (a shared
   *  clone), so those are visible read-only, or git inside the sandbox would find no commits. Afterwards the
   *  git settings are put back (git-dir-guard.ts); a swapped .git discards the workspace. */
  async runInSandbox(project: ProjectSetup, workspace: Workspace, command: string): Promise<{ result: SandboxRunResult; notes: string[] }> {
    const guard = guardGitDir(workspace.root);
    const result = await this.settings.sandbox.run({ workdir: workspace.root, command, readOnlyPaths: [path.join(project.upstreamPath, 'objects')] });
    try {
      const notes = guard.restore();
      if (notes.length > 0) this.#logger.warn({ project: project.name, notes }, 'sandboxed command changed git settings; restored');
      return { result, notes };
    } catch (error) {
      if (!(error instanceof GitDirReplacedError)) throw error;
      this.#logger.warn({ project: project.name, err: error }, 'sandboxed command replaced .git; discarding the workspace');
      this.#opened.delete(project.name);
      rmSync(workspace.root, { recursive: true, force: true });
      throw new WorkspaceToolError(`${error.message}. Your uncommitted and unsent work in it is gone.`, { cause: error });
    }
  }

  /** Per-turn view: each project's workspace is refreshed once, at its first use in the turn. */
  beginTurn(): TurnWorkspaces {
    return new TurnWorkspaces(this);
  }
}

export class TurnWorkspaces {
  readonly agent: AgentWorkspaces;
  readonly #refreshed = new Set<string>();

  constructor(agent: AgentWorkspaces) {
    this.agent = agent;
  }

  /** The workspace of `projectName` (or the only project), refreshed if this is its first use this turn.
   *  `notes` says what the refresh (or first setup) did, for the tool result; empty when nothing happened. */
  async use(projectName: string | undefined): Promise<{ project: ProjectSetup; workspace: Workspace; notes: string[] }> {
    const project = this.agent.pick(projectName);
    const workspace = await this.agent.open(project);
    const setupNote = this.agent.takeSetupNote(project.name);
    const notes = setupNote ? [setupNote] : [];
    if (!this.#refreshed.has(project.name)) {
      this.#refreshed.add(project.name);
      const refresh = await workspace.refresh();
      if (refresh.status !== 'up-to-date') notes.push(`[workspace ${project.name} refreshed from upstream: ${refresh.status}. ${refresh.detail}]`);
    }
    return { project, workspace, notes };
  }
}
