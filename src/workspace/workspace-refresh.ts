// Brings a workspace up to date with its upstream: fetch, then fast-forward (no local commits) or rebase the
// local commits onto the new upstream tip, keeping uncommitted work. A conflict never leaves the workspace
// half-way: the rebase is aborted (git-rebase(1) --abort), the work tree restored, and the result says which
// files collided so the model can redo its change on the new upstream.
import { commitDateEnvironment, type CommitDates } from './commit-dates.ts';
import { runGit } from './git-runner.ts';
import { plural } from './text-limits.ts';
import { unmergedFiles, withUncommittedChangesPreserved } from './uncommitted-changes.ts';

export interface RefreshResult {
  status: 'up-to-date' | 'fast-forwarded' | 'rebased' | 'conflict';
  /** A sentence for the model; on conflict: which files, and that its commits were left on the old base. */
  detail: string;
}

type MoveOutcome = { moved: 'fast-forwarded' | 'rebased' } | { moved: 'conflict'; files: string[] };

export async function refreshWorkspace(root: string, branch: string, commitDates: CommitDates): Promise<RefreshResult> {
  await runGit(['fetch', '--quiet', '--prune', 'origin'], { cwd: root });
  const upstreamRef = `refs/remotes/origin/${branch}`;
  const head = await revParse(root, 'HEAD');
  const upstream = await revParse(root, upstreamRef);
  const shortUpstream = `upstream ${branch} (${upstream.slice(0, 12)})`;
  const ownCommits = await countCommits(root, `${upstreamRef}..HEAD`);
  if (await isAncestor(root, upstream, head)) {
    const ahead = ownCommits === 0 ? '' : `; your ${plural(ownCommits, 'commit')} not yet upstream stay on top`;
    return { status: 'up-to-date', detail: `already up to date with ${shortUpstream}${ahead}` };
  }
  const newUpstreamCommits = await countCommits(root, `HEAD..${upstreamRef}`);
  const fastForward = ownCommits === 0;

  const outcome = await withUncommittedChangesPreserved(root, async (): Promise<MoveOutcome> => {
    if (fastForward) {
      await runGit(['merge', '--ff-only', '--quiet', upstreamRef], { cwd: root });
      return { moved: 'fast-forwarded' };
    }
    // Rebased commits keep their author dates; in logical mode they all get one committer date after the
    // new base, so a replay rebases to the same shas.
    const committerDate = (await commitDateEnvironment(root, commitDates, upstreamRef)).GIT_COMMITTER_DATE;
    const env: Record<string, string> = committerDate === undefined ? {} : { GIT_COMMITTER_DATE: committerDate };
    const rebase = await runGit(['rebase', '--quiet', '--no-autostash', upstreamRef], { cwd: root, env, allowFailure: true });
    if (rebase.exitCode === 0) return { moved: 'rebased' };
    const files = await unmergedFiles(root);
    await runGit(['rebase', '--abort'], { cwd: root });
    if (files.length === 0) throw new Error(`git rebase ${upstreamRef} failed in ${root} without a conflict: ${rebase.stderr.trim() || rebase.stdout.trim()}`);
    return { moved: 'conflict', files };
  });

  const incoming = `${shortUpstream} has ${plural(newUpstreamCommits, 'new commit')}`;
  const verb = (singular: string, pluralForm: string): string => (newUpstreamCommits === 1 ? singular : pluralForm);
  const oldBase = async (): Promise<string> => (await runGit(['merge-base', 'HEAD', upstreamRef], { cwd: root })).stdout.trim().slice(0, 12);
  if (outcome.kind === 'changes-conflict') {
    return {
      status: 'conflict',
      detail: `${incoming} that ${verb('changes', 'change')} the same files as your uncommitted changes: ${outcome.files.join(', ')}. Nothing was changed: your work tree and commits are as they were, on the old base ${await oldBase()}. Commit or undo those changes, then refresh again.`,
    };
  }
  const kept = outcome.hadChanges ? '; your uncommitted changes were kept' : '';
  const moved = outcome.result;
  if (moved.moved === 'conflict') {
    return {
      status: 'conflict',
      detail: `${incoming} that ${verb('conflicts', 'conflict')} with your ${plural(ownCommits, 'commit')} in: ${moved.files.join(', ')}. Nothing was changed: your commits were left un-rebased on the old base ${await oldBase()}${kept}. Redo your change on top of upstream's new version of those files.`,
    };
  }
  if (moved.moved === 'fast-forwarded') return { status: 'fast-forwarded', detail: `fast-forwarded to ${shortUpstream}: ${plural(newUpstreamCommits, 'new commit')}${kept}` };
  // git rebase drops commits whose change upstream already has (a patch applied from mail, new sha).
  const remaining = await countCommits(root, `${upstreamRef}..HEAD`);
  const dropped = ownCommits - remaining;
  const alreadyUpstream = dropped === 0 ? '' : `; ${plural(dropped, 'commit')} of yours ${dropped === 1 ? 'was' : 'were'} already upstream (applied) and dropped, ${remaining} left`;
  return {
    status: 'rebased',
    detail: `rebased your ${plural(ownCommits, 'commit')} onto ${shortUpstream}, which has ${plural(newUpstreamCommits, 'new commit')}${alreadyUpstream}${kept}`,
  };
}

async function revParse(root: string, revision: string): Promise<string> {
  return (await runGit(['rev-parse', '--verify', `${revision}^{commit}`], { cwd: root })).stdout.trim();
}

async function countCommits(root: string, range: string): Promise<number> {
  return Number((await runGit(['rev-list', '--count', range, '--'], { cwd: root })).stdout.trim());
}

async function isAncestor(root: string, ancestor: string, descendant: string): Promise<boolean> {
  const result = await runGit(['merge-base', '--is-ancestor', ancestor, descendant], { cwd: root, allowFailure: true });
  if (result.exitCode > 1) throw new Error(`git merge-base --is-ancestor failed in ${root}: ${result.stderr.trim()}`);
  return result.exitCode === 0;
}
