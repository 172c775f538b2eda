// Keeps a workspace's uncommitted work (modified, staged and untracked-not-ignored files) safe across an
// operation that moves HEAD: stash it (git-stash(1) push --include-untracked), run the operation, apply
// the stash again. When the stash no longer applies on the new HEAD, the operation's effect is undone
// (HEAD back where it was) and the stash applied there, where it always fits: the workspace ends exactly as
// it started, and the caller reports which files were in the way.
import { runGit } from './git-runner.ts';

export type PreservedOutcome<T> =
  | { kind: 'kept'; result: T; hadChanges: boolean }
  | { kind: 'changes-conflict'; result: T; files: string[] };

export async function hasUncommittedChanges(root: string): Promise<boolean> {
  const status = await runGit(['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: root });
  return status.stdout !== '';
}

export async function unmergedFiles(root: string): Promise<string[]> {
  const result = await runGit(['diff', '--name-only', '-z', '--diff-filter=U'], { cwd: root });
  return [...new Set(result.stdout.split('\0').filter((file) => file !== ''))];
}

/** Runs `operation` (which may move HEAD) with the uncommitted work stashed away, then brings it back. */
export async function withUncommittedChangesPreserved<T>(root: string, operation: () => Promise<T>): Promise<PreservedOutcome<T>> {
  if (!(await hasUncommittedChanges(root))) return { kind: 'kept', result: await operation(), hadChanges: false };
  const headBefore = (await runGit(['rev-parse', '--verify', 'HEAD'], { cwd: root })).stdout.trim();
  await runGit(['stash', 'push', '--include-untracked', '--quiet', '--message', 'mailswarm: uncommitted work kept during an update'], { cwd: root });
  const stash = (await runGit(['rev-parse', '--verify', 'refs/stash'], { cwd: root })).stdout.trim();
  let result: T;
  try {
    result = await operation();
  } catch (error) {
    await restoreOnto(root, headBefore, stash);
    throw error;
  }
  const applied = await runGit(['stash', 'apply', '--quiet', stash], { cwd: root, allowFailure: true });
  if (applied.exitCode === 0) {
    await dropStash(root, stash);
    return { kind: 'kept', result, hadChanges: true };
  }
  const files = [...(await unmergedFiles(root)), ...alreadyExisting(applied.stderr)];
  await restoreOnto(root, headBefore, stash);
  return { kind: 'changes-conflict', result, files: [...new Set(files)] };
}

/** Puts HEAD and the work tree back to `head` and applies `stash` there (where it was made, so it fits). */
async function restoreOnto(root: string, head: string, stash: string): Promise<void> {
  await runGit(['reset', '--hard', '--quiet', head], { cwd: root });
  // Every untracked, not ignored file is in the stash: what is left now are half-restored copies.
  await runGit(['clean', '--force', '-d', '--quiet'], { cwd: root });
  await runGit(['stash', 'apply', '--quiet', stash], { cwd: root });
  await dropStash(root, stash);
}

async function dropStash(root: string, stash: string): Promise<void> {
  // Our stash is the newest entry unless someone stashed meanwhile; drop it by position after checking.
  const entries = (await runGit(['reflog', 'show', '--format=%H', 'refs/stash', '--'], { cwd: root })).stdout.split('\n');
  const position = entries.indexOf(stash);
  if (position === -1) throw new Error(`the stash ${stash} made in ${root} is no longer in refs/stash`);
  await runGit(['stash', 'drop', '--quiet', `stash@{${position}}`], { cwd: root });
}

/** "x.txt already exists, no checkout": untracked files of the stash that the new HEAD now tracks. */
function alreadyExisting(stderr: string): string[] {
  return [...stderr.matchAll(/^(.+) already exists, no checkout$/gm)].map((match) => match[1]!);
}
