// An agent's own clone of a project (<dataDir>/workspaces/<agent>/<project>): cloned --shared from the
// upstream (objects borrowed through .git/objects/info/alternates, see gitrepository-layout(5), so a
// workspace costs its checkout and little else), with the agent as user.name/user.email. The file tools
// live in workspace-files.ts, refresh in workspace-refresh.ts; this class ties them to one directory and
// makes the commits.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { commitDateEnvironment, type CommitDates } from './commit-dates.ts';
import { runGit } from './git-runner.ts';
import { upstreamBranch } from './project-upstream.ts';
import { diff, editFile, listFiles, readFile, searchCode, writeFile } from './workspace-files.ts';
import { refreshWorkspace, type RefreshResult } from './workspace-refresh.ts';
import { WorkspaceToolError } from './workspace-tool-error.ts';

export type { CommitDates } from './commit-dates.ts';
export type { RefreshResult } from './workspace-refresh.ts';
export { WorkspaceToolError } from './workspace-tool-error.ts';

export interface Identity {
  name: string;
  email: string;
}

export interface WorkspaceOptions {
  upstreamPath: string;
  path: string;
  author: Identity;
  commitDates: CommitDates;
}

export interface WorkspaceCommit {
  sha: string;
  subject: string;
  authorName: string;
  authorEmail: string;
}

export class Workspace {
  /** The work tree's real path (symbolic links resolved). */
  readonly root: string;
  /** The upstream branch this workspace follows (upstream's HEAD when it was cloned). */
  readonly branch: string;
  readonly upstreamPath: string;
  readonly author: Identity;
  readonly commitDates: CommitDates;

  private constructor(root: string, branch: string, options: WorkspaceOptions) {
    this.root = root;
    this.branch = branch;
    this.upstreamPath = options.upstreamPath;
    this.author = { ...options.author };
    this.commitDates = options.commitDates;
  }

  /** Opens the workspace at options.path, cloning it from the upstream when absent. */
  static async open(options: WorkspaceOptions): Promise<Workspace> {
    const identity = ['--config', `user.name=${options.author.name}`, '--config', `user.email=${options.author.email}`];
    // An empty directory (made ahead by a caller) counts as absent: rename(2) replaces an empty directory.
    if (!fs.existsSync(options.path) || isEmptyDirectory(options.path)) {
      const parent = path.dirname(path.resolve(options.path));
      fs.mkdirSync(parent, { recursive: true });
      // Cloned beside the final path and renamed into place: an interrupted clone never looks like a workspace.
      const staging = `${path.resolve(options.path)}.cloning-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        await runGit(['clone', '--quiet', '--shared', ...identity, '--', path.resolve(options.upstreamPath), staging], { cwd: parent });
        fs.renameSync(staging, options.path);
      } finally {
        fs.rmSync(staging, { recursive: true, force: true });
      }
    } else {
      const root = fs.realpathSync(options.path);
      const topLevel = await runGit(['rev-parse', '--show-toplevel'], { cwd: root, allowFailure: true });
      if (topLevel.exitCode !== 0 || fs.realpathSync(topLevel.stdout.trim()) !== root) {
        throw new Error(`${options.path} exists but is not a git work tree; remove it to have mailswarm clone the workspace again`);
      }
      await runGit(['config', 'user.name', options.author.name], { cwd: root });
      await runGit(['config', 'user.email', options.author.email], { cwd: root });
    }
    const root = fs.realpathSync(options.path);
    const originHead = await runGit(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'], { cwd: root, allowFailure: true });
    const branch = originHead.exitCode === 0 ? originHead.stdout.trim().replace(/^origin\//, '') : await upstreamBranch(options.upstreamPath);
    return new Workspace(root, branch, options);
  }

  /** The remote-tracking ref of the upstream branch, as last fetched. */
  get upstreamRef(): string {
    return `refs/remotes/origin/${this.branch}`;
  }

  refresh(): Promise<RefreshResult> {
    return refreshWorkspace(this.root, this.branch, this.commitDates);
  }

  listFiles(relativePath?: string): Promise<string> {
    return listFiles(this.root, relativePath);
  }

  readFile(relativePath: string, startLine?: number, endLine?: number): Promise<string> {
    return readFile(this.root, relativePath, startLine, endLine);
  }

  searchCode(pattern: string): Promise<string> {
    return searchCode(this.root, pattern);
  }

  writeFile(relativePath: string, content: string): Promise<string> {
    return writeFile(this.root, relativePath, content);
  }

  editFile(relativePath: string, oldText: string, newText: string): Promise<string> {
    return editFile(this.root, relativePath, oldText, newText);
  }

  diff(options: { staged?: boolean } = {}): Promise<string> {
    return diff(this.root, options);
  }

  /** Commits every change (git add -A) as the agent, signed off (git-commit(1) --signoff). */
  async commit(message: string): Promise<{ sha: string; subject: string }> {
    if (message.trim() === '') throw new WorkspaceToolError('the commit message is empty; give a subject line (and a body saying why)');
    await runGit(['add', '--all'], { cwd: this.root });
    const staged = await runGit(['diff', '--cached', '--quiet'], { cwd: this.root, allowFailure: true });
    if (staged.exitCode === 0) throw new WorkspaceToolError('nothing to commit: the workspace has no changes since the last commit');
    if (staged.exitCode !== 1) throw new Error(`git diff --cached --quiet failed in ${this.root}: ${staged.stderr.trim()}`);
    const env = await commitDateEnvironment(this.root, this.commitDates);
    await runGit(['commit', '--quiet', '--no-verify', '--signoff', '--cleanup=whitespace', '--file=-'], { cwd: this.root, env, input: message });
    const [sha, subject] = (await runGit(['show', '--no-patch', '--format=%H%x00%s', 'HEAD'], { cwd: this.root })).stdout.trimEnd().split('\0');
    return { sha: sha!, subject: subject! };
  }

  /** The commits on HEAD that the upstream branch (as last fetched) does not have, oldest first. */
  async commitsSinceUpstream(): Promise<WorkspaceCommit[]> {
    const result = await runGit(['log', '-z', '--reverse', '--format=%H%x1f%s%x1f%an%x1f%ae', `${this.upstreamRef}..HEAD`, '--'], { cwd: this.root });
    return result.stdout
      .split('\0')
      .filter((record) => record !== '')
      .map((record) => {
        const [sha, subject, authorName, authorEmail] = record.split('\x1f');
        return { sha: sha!, subject: subject!, authorName: authorName!, authorEmail: authorEmail! };
      });
  }
}

function isEmptyDirectory(directory: string): boolean {
  return fs.statSync(directory).isDirectory() && fs.readdirSync(directory).length === 0;
}
