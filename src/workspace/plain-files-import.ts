// A project whose `path` is a folder of plain files (an example, an experiment task's repo/) rather than a git
// repository: its files become one initial commit of a new repository, from which the upstream is cloned.
// The commit's author and date are fixed, so every import of the same files makes the same commit id and a
// replayed run starts from the very same history. The user's folder is only read.
import fs from 'node:fs';
import path from 'node:path';
import { runGit } from './git-runner.ts';

/** Author, committer and date of an imported initial commit. */
export const importIdentity = { name: 'mailswarm import', email: 'import@mailswarm.invalid', date: '2026-01-01T00:00:00Z' } as const;

export class PlainFilesImportError extends Error {
  override name = 'PlainFilesImportError';
}

/** Creates the git repository `repositoryPath` (must not exist) holding the files of `sourceDir` as one commit. */
export async function importPlainFiles(options: { sourceDir: string; repositoryPath: string; message: string }): Promise<string> {
  const { sourceDir, repositoryPath } = options;
  let stats: fs.Stats;
  try {
    stats = fs.statSync(sourceDir);
  } catch (error) {
    throw new PlainFilesImportError(`${sourceDir} does not exist (${(error as NodeJS.ErrnoException).code ?? 'stat failed'})`);
  }
  if (!stats.isDirectory()) throw new PlainFilesImportError(`${sourceDir} is not a directory`);
  if (fs.existsSync(path.join(sourceDir, '.git'))) throw new PlainFilesImportError(`${sourceDir} is a git repository: leave out plainFiles to use its history`);
  if (fs.readdirSync(sourceDir).length === 0) throw new PlainFilesImportError(`${sourceDir} is empty: nothing to import`);
  fs.mkdirSync(path.dirname(repositoryPath), { recursive: true });
  fs.cpSync(sourceDir, repositoryPath, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
  const env = {
    GIT_AUTHOR_NAME: importIdentity.name,
    GIT_AUTHOR_EMAIL: importIdentity.email,
    GIT_AUTHOR_DATE: importIdentity.date,
    GIT_COMMITTER_NAME: importIdentity.name,
    GIT_COMMITTER_EMAIL: importIdentity.email,
    GIT_COMMITTER_DATE: importIdentity.date,
  };
  await runGit(['init', '--quiet', '--initial-branch=main'], { cwd: repositoryPath });
  await runGit(['add', '--all'], { cwd: repositoryPath });
  await runGit(['commit', '--quiet', '--no-verify', '-m', options.message], { cwd: repositoryPath, env });
  return (await runGit(['rev-parse', 'HEAD'], { cwd: repositoryPath })).stdout.trim();
}
