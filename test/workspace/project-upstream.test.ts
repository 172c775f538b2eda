// The project upstream: a bare clone of the user's committed HEAD branch (dirty state left out, the user's
// repository untouched), made once; clear errors for sources that are no usable repository.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureUpstream, ProjectSourceError, upstreamLog, validateProjectSource } from '../../src/workspace/project-upstream.ts';
import { makeUserRepository, systemGit, TempDirs, userCommit } from './workspace-fixtures.ts';

const temp = new TempDirs();
afterEach(() => temp.removeAll());

function repositoryState(repo: string): Record<string, string> {
  return {
    refs: systemGit(['for-each-ref', '--format=%(refname) %(objectname)'], repo),
    status: systemGit(['status', '--porcelain=v1', '--untracked-files=all'], repo),
    config: fs.readFileSync(path.join(repo, '.git', 'config'), 'utf8'),
    stagedDiff: systemGit(['diff', '--cached'], repo),
    worktreeDiff: systemGit(['diff'], repo),
    parse: fs.readFileSync(path.join(repo, 'src', 'parse.ts'), 'utf8'),
  };
}

describe('ensureUpstream', () => {
  it('clones the committed state of a dirty repository and leaves the repository untouched', async () => {
    const base = temp.make();
    const user = makeUserRepository(base);
    fs.writeFileSync(path.join(user, 'src', 'parse.ts'), 'uncommitted edit\n');
    fs.writeFileSync(path.join(user, 'untracked.txt'), 'not committed\n');
    fs.writeFileSync(path.join(user, 'README.md'), '# staged\n');
    systemGit(['add', 'README.md'], user);
    const before = repositoryState(user);
    const userHead = systemGit(['rev-parse', 'HEAD'], user).trim();

    const upstreamPath = path.join(base, 'data', 'projects', 'demo.git');
    expect(await ensureUpstream({ sourcePath: user, upstreamPath })).toEqual({ created: true, branch: 'main' });

    expect(systemGit(['rev-parse', '--is-bare-repository'], upstreamPath).trim()).toBe('true');
    expect(systemGit(['rev-parse', 'HEAD'], upstreamPath).trim()).toBe(userHead);
    expect(systemGit(['show', 'HEAD:src/parse.ts'], upstreamPath)).toBe('line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n');
    expect(systemGit(['show', 'HEAD:README.md'], upstreamPath)).toBe('# demo\n');
    expect(systemGit(['ls-tree', '-r', '--name-only', 'HEAD'], upstreamPath).split('\n')).not.toContain('untracked.txt');
    // No way back to the user's repository.
    expect(systemGit(['remote'], upstreamPath).trim()).toBe('');
    expect(repositoryState(user)).toEqual(before);
    expect(fs.readdirSync(path.dirname(upstreamPath))).toEqual(['demo.git']);
  });

  it('leaves an existing upstream alone on later calls', async () => {
    const base = temp.make();
    const user = makeUserRepository(base);
    const upstreamPath = path.join(base, 'demo.git');
    await ensureUpstream({ sourcePath: user, upstreamPath });
    const upstreamHead = systemGit(['rev-parse', 'HEAD'], upstreamPath).trim();
    userCommit(user, { 'later.txt': 'later\n' }, 'A later user commit', 5);
    expect(await ensureUpstream({ sourcePath: user, upstreamPath })).toEqual({ created: false, branch: 'main' });
    expect(systemGit(['rev-parse', 'HEAD'], upstreamPath).trim()).toBe(upstreamHead);
  });

  it('names the branch of the source and gives a detached HEAD the branch main', async () => {
    const base = temp.make();
    const user = makeUserRepository(base);
    systemGit(['checkout', '--quiet', '-b', 'develop'], user);
    expect((await ensureUpstream({ sourcePath: user, upstreamPath: path.join(base, 'a.git') })).branch).toBe('develop');
    systemGit(['checkout', '--quiet', '--detach', 'HEAD~1'], user);
    const detachedAt = systemGit(['rev-parse', 'HEAD'], user).trim();
    const upstreamPath = path.join(base, 'b.git');
    expect(await ensureUpstream({ sourcePath: user, upstreamPath })).toEqual({ created: true, branch: 'main' });
    expect(systemGit(['rev-parse', 'main'], upstreamPath).trim()).toBe(detachedAt);
    expect(systemGit(['symbolic-ref', 'HEAD'], upstreamPath).trim()).toBe('refs/heads/main');
  });

  it('works from a bare source repository', async () => {
    const base = temp.make();
    const bare = path.join(base, 'bare.git');
    systemGit(['clone', '--quiet', '--bare', makeUserRepository(base), bare], base);
    expect(await ensureUpstream({ sourcePath: bare, upstreamPath: path.join(base, 'up.git') })).toEqual({ created: true, branch: 'main' });
  });
});

describe('validateProjectSource', () => {
  it('explains a missing path, a plain directory, an empty repository and a subdirectory', async () => {
    const base = temp.make();
    const missing = path.join(base, 'missing');
    await expect(validateProjectSource(missing, { field: 'projects[0].path' })).rejects.toThrow(`projects[0].path: ${missing} does not exist`);

    const plain = path.join(base, 'plain');
    fs.mkdirSync(plain);
    const error = await validateProjectSource(plain, { field: 'projects[0].path' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProjectSourceError);
    expect((error as Error).message).toMatch(new RegExp(`^projects\\[0\\]\\.path: ${plain} is not a git repository \\(git rev-parse failed: fatal: not a git repository`));

    const empty = path.join(base, 'empty');
    fs.mkdirSync(empty);
    systemGit(['init', '--quiet'], empty);
    await expect(validateProjectSource(empty)).rejects.toThrow('is a git repository without commits yet; commit something first');

    const user = makeUserRepository(base);
    await expect(validateProjectSource(path.join(user, 'src'))).rejects.toThrow(`is inside the git repository ${user}, not its top level; use ${user}`);
    await expect(validateProjectSource('relative/path')).rejects.toThrow('relative/path is not an absolute path');
    await expect(validateProjectSource(user)).resolves.toBeUndefined();
  });

  it('ensureUpstream refuses a bad source without creating anything', async () => {
    const base = temp.make();
    const upstreamPath = path.join(base, 'projects', 'x.git');
    await expect(ensureUpstream({ sourcePath: path.join(base, 'nope'), upstreamPath })).rejects.toThrow(ProjectSourceError);
    expect(fs.existsSync(upstreamPath)).toBe(false);
  });
});

describe('upstreamLog', () => {
  it('lists the upstream branch newest first', async () => {
    const base = temp.make();
    const user = makeUserRepository(base);
    userCommit(user, { 'notes.md': 'n\n' }, 'Add notes\n\nWith a body line.', 2);
    const upstreamPath = path.join(base, 'demo.git');
    await ensureUpstream({ sourcePath: user, upstreamPath });
    const log = await upstreamLog(upstreamPath);
    expect(log.map((commit) => commit.subject)).toEqual(['Add notes', 'Add the parser', 'Initial commit']);
    expect(log[0]).toMatchObject({ authorName: 'Uma User', authorEmail: 'uma@example.com', date: '2024-01-01T00:02:00+00:00', body: 'With a body line.' });
    expect(await upstreamLog(upstreamPath, { limit: 1 })).toHaveLength(1);
  });
});
