// Keeps a sandboxed command from planting code that mailswarm's own git would run outside the sandbox. The
// workspace (and so its .git) is writable inside the sandbox, and git executes commands named in a
// repository's config (filter drivers, diff.external, core.* programs, include.path) and follows a
// `commondir` file or a `.git` file to another repository's config (git-config(1) "CONFIGURATION FILE",
// gitrepository-layout(5)). So around every sandboxed run: remember .git's identity and its config, and
// afterwards put the config back, drop a planted commondir, and refuse a .git that was swapped out.
import { lstatSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The workspace's .git was replaced during a sandboxed run: its history can no longer be trusted. */
export class GitDirReplacedError extends Error {
  override name = 'GitDirReplacedError';
}

export interface GitDirGuard {
  /** Undoes what the run changed that git would execute; the notes say what was undone (empty: nothing). */
  restore(): string[];
}

export function guardGitDir(workspaceRoot: string): GitDirGuard {
  const gitDir = path.join(workspaceRoot, '.git');
  const before = lstatSync(gitDir);
  if (!before.isDirectory()) throw new GitDirReplacedError(`${gitDir} is not a directory`);
  const configFile = path.join(gitDir, 'config');
  const config = readFileSync(configFile);
  return {
    restore() {
      const after = lstatSync(gitDir, { throwIfNoEntry: false });
      if (!after || !after.isDirectory() || after.ino !== before.ino || after.dev !== before.dev) {
        throw new GitDirReplacedError(`the command replaced ${gitDir}; the workspace is discarded and cloned again at its next use`);
      }
      const notes: string[] = [];
      const current = lstatSync(configFile, { throwIfNoEntry: false });
      if (!current || !current.isFile() || !readFileSync(configFile).equals(config)) {
        // Unlinked first: writing through a planted symlink would write wherever it points.
        rmSync(configFile, { force: true });
        writeFileSync(configFile, config, { mode: 0o644 });
        notes.push('.git/config was changed by the command and has been restored (repository settings are not yours to change)');
      }
      const commondir = path.join(gitDir, 'commondir');
      if (lstatSync(commondir, { throwIfNoEntry: false })) {
        rmSync(commondir, { force: true, recursive: true });
        notes.push('.git/commondir was created by the command and has been removed');
      }
      return notes;
    },
  };
}
