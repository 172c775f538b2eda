// Applies patch mails with git-am(1) -3, to an agent's workspace or (a maintainer's "apply") to the project
// upstream. One git am per mail: each commit can then be dated and given its review trailers
// (git-interpret-trailers(1)) on its own. A series applies whole or not at all: on a failure git am
// --abort runs (no .git/rebase-apply is ever left behind) and HEAD returns to where it was. Upstream is
// never applied to in place: a temporary --shared clone under scratchDir applies the series and pushes it
// to the upstream branch, one series at a time per upstream (an in-process lock).
//
// Dates: git am takes the author date from the mail's Date: (--ignore-date would take the clock, never
// GIT_AUTHOR_DATE), and commit --amend keeps the amended commit's author date unless --date is given. So in
// 'logical' mode every applied commit is amended with --date and GIT_COMMITTER_DATE both set to its
// parent's committer date + 60 s; in 'wall' mode the mail's author date stays and git reads the clock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { logicalDateAfter, type CommitDates } from './commit-dates.ts';
import { runGit } from './git-runner.ts';
import { upstreamBranch } from './project-upstream.ts';
import { unmergedFiles, withUncommittedChangesPreserved } from './uncommitted-changes.ts';
import type { Workspace, WorkspaceCommit } from './workspace.ts';
import { WorkspaceToolError } from './workspace-tool-error.ts';

export type ApplyResult =
  | { status: 'applied'; commits: WorkspaceCommit[] }
  | { status: 'conflict'; patchIndex: number; detail: string };

export type ApplyTarget =
  | { kind: 'workspace'; workspace: Workspace }
  | { kind: 'upstream'; upstreamPath: string; scratchDir: string; committer: { name: string; email: string } };

export interface ApplyPatchMailsOptions {
  target: ApplyTarget;
  /** Raw RFC 5322 messages as fetched over IMAP (CRLF), patches only (no cover letter), in series order. */
  mails: Buffer[];
  /** Per patch, e.g. ["Reviewed-by: R <r@x>"], appended to that commit's message unless already there. */
  trailers: string[][];
  commitDates: CommitDates;
}

const TRAILER = /^[A-Za-z][A-Za-z0-9-]*: [^\r\n]+$/;

export async function applyPatchMails(options: ApplyPatchMailsOptions): Promise<ApplyResult> {
  for (const [index, trailers] of options.trailers.entries()) {
    for (const trailer of trailers) {
      if (!TRAILER.test(trailer)) throw new Error(`trailer ${JSON.stringify(trailer)} for patch ${index + 1} is not one "Token: value" line`);
    }
  }
  if (options.mails.length === 0) throw new WorkspaceToolError('there are no patch mails to apply');
  const target = options.target;
  if (target.kind === 'workspace') return applyToWorkspace(target.workspace, options);
  return withUpstreamLock(target.upstreamPath, () => applyToUpstream(target, options));
}

async function applyToWorkspace(workspace: Workspace, options: ApplyPatchMailsOptions): Promise<ApplyResult> {
  const outcome = await withUncommittedChangesPreserved(workspace.root, () => applySeries(workspace.root, options));
  if (outcome.kind === 'kept') return outcome.result;
  throw new WorkspaceToolError(
    `the patches apply, but your uncommitted changes to ${outcome.files.join(', ')} conflict with them; nothing was applied. Commit or undo those changes, then apply again.`,
  );
}

async function applyToUpstream(target: Extract<ApplyTarget, { kind: 'upstream' }>, options: ApplyPatchMailsOptions): Promise<ApplyResult> {
  const branch = await upstreamBranch(target.upstreamPath);
  fs.mkdirSync(target.scratchDir, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(target.scratchDir, 'apply-'));
  try {
    const clone = path.join(scratch, 'repository');
    await runGit(
      [
        'clone', '--quiet', '--shared', '--branch', branch,
        '--config', `user.name=${target.committer.name}`, '--config', `user.email=${target.committer.email}`,
        '--', path.resolve(target.upstreamPath), clone,
      ],
      { cwd: scratch },
    );
    const result = await applySeries(clone, options);
    if (result.status === 'applied' && result.commits.length > 0) {
      await runGit(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], { cwd: clone });
    }
    return result;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function applySeries(root: string, options: ApplyPatchMailsOptions): Promise<ApplyResult> {
  const startHead = await head(root);
  const mailDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailswarm-am-'));
  try {
    const commits: WorkspaceCommit[] = [];
    for (const [position, mail] of options.mails.entries()) {
      const mailFile = path.join(mailDirectory, `${position + 1}.eml`);
      fs.writeFileSync(mailFile, mail);
      const before = await head(root);
      // A single message without an mbox "From " line is read as one mail (git mailsplit), CRs stripped.
      const am = await runGit(['am', '-3', '--no-scissors', mailFile], { cwd: root, allowFailure: true });
      if (am.exitCode !== 0) {
        const files = await unmergedFiles(root);
        await abortAm(root);
        await runGit(['reset', '--hard', '--quiet', startHead], { cwd: root });
        return { status: 'conflict', patchIndex: position, detail: conflictDetail(position, options.mails.length, am.stdout + am.stderr, files, before) };
      }
      // "Patch already applied": git am made no commit for this mail.
      if ((await head(root)) === before) continue;
      await amendAppliedCommit(root, before, options.trailers[position] ?? [], options.commitDates);
      commits.push(await describeHead(root));
    }
    return { status: 'applied', commits };
  } finally {
    fs.rmSync(mailDirectory, { recursive: true, force: true });
  }
}

async function amendAppliedCommit(root: string, parent: string, trailers: string[], commitDates: CommitDates): Promise<void> {
  if (trailers.length === 0 && commitDates === 'wall') return;
  // The raw object, not --format=%B (which appends a newline): the amend must keep the message byte for byte.
  const commitObject = (await runGit(['cat-file', 'commit', 'HEAD'], { cwd: root })).stdout;
  let message = commitObject.slice(commitObject.indexOf('\n\n') + 2);
  if (trailers.length > 0) {
    const trailerArguments = trailers.flatMap((trailer) => ['--trailer', trailer]);
    message = (await runGit(['interpret-trailers', '--no-divider', '--if-exists', 'addIfDifferent', ...trailerArguments], { cwd: root, input: message })).stdout;
  }
  const dateArguments: string[] = [];
  let env: Record<string, string> | undefined;
  if (commitDates === 'logical') {
    const date = await logicalDateAfter(root, parent);
    dateArguments.push(`--date=${date}`);
    env = { GIT_COMMITTER_DATE: date };
  }
  await runGit(['commit', '--amend', '--quiet', '--no-verify', '--allow-empty', '--cleanup=verbatim', ...dateArguments, '--file=-'], {
    cwd: root,
    input: message,
    ...(env ? { env } : {}),
  });
}

async function abortAm(root: string): Promise<void> {
  const applyDirectory = (await runGit(['rev-parse', '--git-path', 'rebase-apply'], { cwd: root })).stdout.trim();
  // git am can fail before it starts a session (a mail that is no patch): then there is nothing to abort.
  if (fs.existsSync(path.resolve(root, applyDirectory))) await runGit(['am', '--abort'], { cwd: root });
}

function conflictDetail(position: number, total: number, output: string, files: string[], base: string): string {
  const applying = /^Applying: (.*)$/m.exec(output)?.[1];
  const which = `patch ${position + 1}/${total}${applying ? ` "${applying}"` : ''}`;
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  // The lines that say what failed; git am's progress and its advice on resolving by hand are noise here.
  const essential = lines.filter((line) => /^(error|fatal|warning|CONFLICT|Patch failed)\b/.test(line));
  const gitSaid = (essential.length > 0 ? essential : lines).slice(0, 8).join('; ');
  const where = files.length > 0 ? ` conflicts in ${files.join(', ')}` : ' does not apply';
  return `${which}${where} (on ${base.slice(0, 12)}); nothing was applied. git am said: ${gitSaid}`;
}

async function head(root: string): Promise<string> {
  return (await runGit(['rev-parse', '--verify', 'HEAD'], { cwd: root })).stdout.trim();
}

async function describeHead(root: string): Promise<WorkspaceCommit> {
  const [sha, subject, authorName, authorEmail] = (await runGit(['show', '--no-patch', '--format=%H%x1f%s%x1f%an%x1f%ae', 'HEAD'], { cwd: root })).stdout
    .replace(/\n$/, '')
    .split('\x1f');
  return { sha: sha!, subject: subject!, authorName: authorName!, authorEmail: authorEmail! };
}

const upstreamLocks = new Map<string, Promise<unknown>>();

/** Runs `operation` after every earlier operation on the same upstream has finished (failed or not). */
async function withUpstreamLock<T>(upstreamPath: string, operation: () => Promise<T>): Promise<T> {
  const key = path.resolve(upstreamPath);
  const previous = upstreamLocks.get(key) ?? Promise.resolve();
  const current = previous.then(operation);
  // The next caller only waits for this operation to end; its error (if any) reaches our caller via `current`.
  const finished = current.then(
    () => undefined,
    () => undefined,
  );
  upstreamLocks.set(key, finished);
  try {
    return await current;
  } finally {
    if (upstreamLocks.get(key) === finished) upstreamLocks.delete(key);
  }
}
