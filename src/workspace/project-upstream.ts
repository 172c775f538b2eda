// The upstream of a project: a bare repository under the data directory, cloned once from the user's
// repository (its committed HEAD branch only; uncommitted work stays out) and from then on owned by
// mailswarm. Agents clone from it and maintainers push applied patches to it; nothing is ever written back
// to the user's repository. Objects are hard-linked by git clone where the file system allows (they are
// immutable), so creating the upstream of a large repository is cheap.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runGit } from './git-runner.ts';

export class ProjectSourceError extends Error {
  readonly sourcePath: string;

  constructor(sourcePath: string, message: string) {
    super(message);
    this.name = 'ProjectSourceError';
    this.sourcePath = sourcePath;
  }
}

export interface ValidateProjectSourceOptions {
  /** Where the path came from, for the message: "projects[0].path". */
  field?: string;
}

/** The branch an upstream gets when the user's repository has a detached HEAD. */
const DETACHED_HEAD_BRANCH = 'main';

/** Accepts a git work tree (at its top level) or a bare repository with at least one commit; dirty is fine. */
export async function validateProjectSource(sourcePath: string, options: ValidateProjectSourceOptions = {}): Promise<void> {
  const where = `${options.field ?? 'project path'}: ${sourcePath}`;
  const fail = (reason: string): never => {
    throw new ProjectSourceError(sourcePath, `${where} ${reason}`);
  };
  if (!path.isAbsolute(sourcePath)) fail('is not an absolute path');
  let stats: fs.Stats;
  try {
    stats = fs.statSync(sourcePath);
  } catch (error) {
    return fail(`does not exist (${(error as NodeJS.ErrnoException).code ?? 'stat failed'})`);
  }
  if (!stats.isDirectory()) fail('is not a directory');
  const probe = await runGit(['rev-parse', '--is-bare-repository', '--is-inside-git-dir'], { cwd: sourcePath, allowFailure: true });
  if (probe.exitCode !== 0) fail(`is not a git repository (git rev-parse failed: ${firstLine(probe.stderr)})`);
  const [isBare, insideGitDirectory] = probe.stdout.split('\n');
  if (isBare !== 'true') {
    if (insideGitDirectory === 'true') fail('is a .git directory; give the work tree that contains it');
    const topLevel = (await runGit(['rev-parse', '--show-toplevel'], { cwd: sourcePath })).stdout.trim();
    if (fs.realpathSync(topLevel) !== fs.realpathSync(sourcePath)) fail(`is inside the git repository ${topLevel}, not its top level; use ${topLevel}`);
  }
  const head = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: sourcePath, allowFailure: true });
  if (head.exitCode !== 0) fail('is a git repository without commits yet; commit something first');
}

export interface EnsureUpstreamResult {
  created: boolean;
  branch: string;
}

/** Creates the bare upstream on first call; later calls only report its branch (the source is not read again). */
export async function ensureUpstream(options: { sourcePath: string; upstreamPath: string }): Promise<EnsureUpstreamResult> {
  if (fs.existsSync(options.upstreamPath)) return { created: false, branch: await upstreamBranch(options.upstreamPath) };
  await validateProjectSource(options.sourcePath);
  const sourceHead = (await runGit(['rev-parse', '--verify', 'HEAD^{commit}'], { cwd: options.sourcePath })).stdout.trim();
  const sourceBranch = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: options.sourcePath, allowFailure: true });

  // Cloned beside the final path and renamed into place: a crash or a concurrent caller never sees a
  // half-made upstream.
  fs.mkdirSync(path.dirname(options.upstreamPath), { recursive: true });
  const staging = `${options.upstreamPath}.creating-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await runGit(['clone', '--quiet', '--bare', '--single-branch', '--', options.sourcePath, staging], { cwd: path.dirname(staging) });
    let branch = sourceBranch.exitCode === 0 ? sourceBranch.stdout.trim() : '';
    if (branch === '') {
      // A detached HEAD clones as a detached bare HEAD: give the commit a branch agents can follow.
      branch = DETACHED_HEAD_BRANCH;
      await runGit(['update-ref', `refs/heads/${branch}`, sourceHead], { cwd: staging });
      await runGit(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], { cwd: staging });
    }
    // The upstream must not know where the user's repository is: nothing can ever be pushed back there.
    await runGit(['remote', 'remove', 'origin'], { cwd: staging });
    // Workspaces borrow this repository's objects (clone --shared): never prune any of them.
    await runGit(['config', 'gc.pruneExpire', 'never'], { cwd: staging });
    try {
      fs.renameSync(staging, options.upstreamPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && fs.existsSync(options.upstreamPath)) {
        return { created: false, branch: await upstreamBranch(options.upstreamPath) };
      }
      throw error;
    }
    return { created: true, branch };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The branch HEAD names in a bare upstream. */
export async function upstreamBranch(upstreamPath: string): Promise<string> {
  const result = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: upstreamPath, allowFailure: true });
  const bare = await runGit(['rev-parse', '--is-bare-repository'], { cwd: upstreamPath, allowFailure: true });
  if (bare.exitCode !== 0 || bare.stdout.trim() !== 'true' || result.exitCode !== 0) {
    throw new Error(`${upstreamPath} exists but is not a bare git repository with HEAD on a branch; remove it to have mailswarm create the project's upstream again`);
  }
  return result.stdout.trim();
}

export interface UpstreamCommit {
  sha: string;
  authorName: string;
  authorEmail: string;
  /** Author date, ISO 8601. */
  date: string;
  subject: string;
  body: string;
}

const FIELD = '%x1f';

/** The upstream branch's history, newest first. */
export async function upstreamLog(upstreamPath: string, options: { limit?: number } = {}): Promise<UpstreamCommit[]> {
  const format = ['%H', '%an', '%ae', '%aI', '%s', '%b'].join(FIELD);
  const result = await runGit(['log', '-z', `--max-count=${options.limit ?? 50}`, `--format=${format}`, 'HEAD', '--'], { cwd: upstreamPath });
  return result.stdout
    .split('\0')
    .filter((record) => record !== '')
    .map((record) => {
      const [sha, authorName, authorEmail, date, subject, body] = record.split('\x1f');
      return { sha: sha!, authorName: authorName!, authorEmail: authorEmail!, date: date!, subject: subject!, body: body!.replace(/\n+$/, '') };
    });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
