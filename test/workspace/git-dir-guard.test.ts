// git-dir-guard.ts: what a sandboxed command may not leave behind in a workspace's .git for mailswarm's own
// git to execute later — a changed config (filter drivers, diff.external), a config swapped for a symlink,
// a planted commondir — is undone; a swapped .git is refused.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitDirReplacedError, guardGitDir } from '../../src/workspace/git-dir-guard.ts';

describe('guardGitDir', () => {
  let root: string;
  let original: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-git-guard-'));
    execFileSync('git', ['init', '--quiet', root]);
    original = readFileSync(path.join(root, '.git', 'config'), 'utf8');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('changes nothing and says nothing when the run left .git alone', () => {
    const guard = guardGitDir(root);
    expect(guard.restore()).toEqual([]);
    expect(readFileSync(path.join(root, '.git', 'config'), 'utf8')).toBe(original);
  });

  it('restores a config that gained a filter driver, and one replaced by a symlink', () => {
    const guard = guardGitDir(root);
    execFileSync('git', ['config', 'filter.evil.clean', 'touch /tmp/pwned'], { cwd: root });
    expect(guard.restore()).toEqual([expect.stringContaining('.git/config was changed')]);
    expect(readFileSync(path.join(root, '.git', 'config'), 'utf8')).toBe(original);

    const outside = path.join(root, 'outside-config');
    writeFileSync(outside, '[diff]\n\texternal = touch /tmp/pwned\n');
    const second = guardGitDir(root);
    rmSync(path.join(root, '.git', 'config'));
    symlinkSync(outside, path.join(root, '.git', 'config'));
    expect(second.restore()).toHaveLength(1);
    expect(readFileSync(path.join(root, '.git', 'config'), 'utf8')).toBe(original);
    expect(readFileSync(outside, 'utf8')).toContain('external');
  });

  it('removes a planted commondir', () => {
    const guard = guardGitDir(root);
    writeFileSync(path.join(root, '.git', 'commondir'), '/somewhere/else\n');
    expect(guard.restore()).toEqual([expect.stringContaining('commondir')]);
    expect(existsSync(path.join(root, '.git', 'commondir'))).toBe(false);
  });

  it('refuses a .git that was swapped for another directory or a gitdir file', () => {
    const guard = guardGitDir(root);
    renameSync(path.join(root, '.git'), path.join(root, '.git-moved'));
    mkdirSync(path.join(root, '.git'));
    expect(() => guard.restore()).toThrow(GitDirReplacedError);

    rmSync(path.join(root, '.git'), { recursive: true });
    renameSync(path.join(root, '.git-moved'), path.join(root, '.git'));
    const again = guardGitDir(root);
    renameSync(path.join(root, '.git'), path.join(root, '.git-moved'));
    writeFileSync(path.join(root, '.git'), 'gitdir: /somewhere/else\n');
    expect(() => again.restore()).toThrow(/replaced/);
  });
});
