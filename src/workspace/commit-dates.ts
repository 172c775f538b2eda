// Commit dates for the two clock modes. 'wall' lets git read the clock. 'logical' dates every new commit
// at its parent's committer date + 60 s (author and committer): the same steps replayed from the same
// upstream then produce byte-identical commits, hence the same shas and the same patch mails. git reads
// GIT_AUTHOR_DATE / GIT_COMMITTER_DATE for commit, rebase and format-patch's cover letter; git am and
// commit --amend take the author date elsewhere (the mail's Date:, the amended commit), see patch-apply.ts.
import { runGit } from './git-runner.ts';

export type CommitDates = 'wall' | 'logical';

export const LOGICAL_STEP_SECONDS = 60;

/** "@<seconds> +0000": git's raw date form (git-commit(1) "DATE FORMATS"). */
export function rawGitDate(seconds: number): string {
  return `@${seconds} +0000`;
}

/** Committer date of `revision` in seconds since the epoch. */
export async function committerSeconds(cwd: string, revision: string): Promise<number> {
  const result = await runGit(['show', '--no-patch', '--format=%ct', revision, '--'], { cwd });
  const seconds = Number(result.stdout.trim());
  if (!Number.isInteger(seconds)) throw new Error(`git show --format=%ct ${revision} in ${cwd} printed ${JSON.stringify(result.stdout)}, not a timestamp`);
  return seconds;
}

/** The logical date of a commit made on top of `parent`. */
export async function logicalDateAfter(cwd: string, parent: string): Promise<string> {
  return rawGitDate((await committerSeconds(cwd, parent)) + LOGICAL_STEP_SECONDS);
}

/** Environment for a new commit on top of `parent`: empty in wall mode. */
export async function commitDateEnvironment(cwd: string, commitDates: CommitDates, parent = 'HEAD'): Promise<Record<string, string>> {
  if (commitDates === 'wall') return {};
  const date = await logicalDateAfter(cwd, parent);
  return { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
}
