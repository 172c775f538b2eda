// Workspace.refresh: fast-forward, uncommitted work kept, local commits rebased, and a conflict reported
// with the workspace exactly as it was (commits, work tree, no rebase in progress).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/workspace/workspace.ts';
import { numberedLines, openDemoWorkspace, pushToUpstream, systemGit, TempDirs } from './workspace-fixtures.ts';

const temp = new TempDirs();
let base: string;
let upstreamPath: string;
let workspace: Workspace;

beforeEach(async () => {
  ({ base, upstreamPath, workspace } = await openDemoWorkspace(temp));
});
afterEach(() => temp.removeAll());

const read = (file: string): string => fs.readFileSync(path.join(workspace.root, file), 'utf8');
const head = (): string => systemGit(['rev-parse', 'HEAD'], workspace.root).trim();
const status = (): string => systemGit(['status', '--porcelain=v1', '--untracked-files=all'], workspace.root);
const noOperationInProgress = (): void => {
  for (const leftover of ['rebase-apply', 'rebase-merge', 'MERGE_HEAD']) expect(fs.existsSync(path.join(workspace.root, '.git', leftover))).toBe(false);
  expect(systemGit(['stash', 'list'], workspace.root)).toBe('');
};

describe('Workspace.refresh', () => {
  it('reports up to date when upstream has not moved', async () => {
    expect(await workspace.refresh()).toMatchObject({ status: 'up-to-date' });
  });

  it('fast-forwards to new upstream commits and keeps uncommitted work', async () => {
    await workspace.editFile('README.md', '# demo', '# demo (edited, not committed)');
    await workspace.writeFile('scratch/notes.txt', 'untracked notes\n');
    pushToUpstream(upstreamPath, base, { 'src/parse.ts': numberedLines(12) }, 'Two more lines', 10);
    const upstreamHead = systemGit(['rev-parse', 'main'], upstreamPath).trim();

    const result = await workspace.refresh();
    expect(result.status).toBe('fast-forwarded');
    expect(result.detail).toMatch(/^fast-forwarded to upstream main \([0-9a-f]{12}\): 1 new commit; your uncommitted changes were kept$/);
    expect(head()).toBe(upstreamHead);
    expect(read('src/parse.ts')).toBe(numberedLines(12));
    expect(read('README.md')).toBe('# demo (edited, not committed)\n');
    expect(read('scratch/notes.txt')).toBe('untracked notes\n');
    expect(status()).toBe(' M README.md\n?? scratch/notes.txt\n');
    noOperationInProgress();
  });

  it('rebases local commits onto the new upstream', async () => {
    await workspace.writeFile('feature.txt', 'feature\n');
    await workspace.commit('Add the feature');
    const upstreamHead = pushToUpstream(upstreamPath, base, { 'README.md': '# demo, upstream edit\n' }, 'Edit the README upstream', 10);

    const result = await workspace.refresh();
    expect(result).toMatchObject({ status: 'rebased' });
    expect(result.detail).toMatch(/^rebased your 1 commit onto upstream main \([0-9a-f]{12}\), which has 1 new commit$/);
    expect(systemGit(['rev-parse', 'HEAD~1'], workspace.root).trim()).toBe(upstreamHead);
    expect((await workspace.commitsSinceUpstream()).map((commit) => commit.subject)).toEqual(['Add the feature']);
    expect(read('README.md')).toBe('# demo, upstream edit\n');
    expect(read('feature.txt')).toBe('feature\n');
    // Logical dates: the rebased commit is committed one minute after its new parent.
    const [parentTime, committerTime] = systemGit(['log', '-2', '--format=%ct'], workspace.root).trim().split('\n').reverse().map(Number);
    expect(committerTime).toBe(parentTime! + 60);
    noOperationInProgress();
  });

  it('reports a conflict between local commits and upstream and leaves the workspace as it was', async () => {
    await workspace.editFile('src/parse.ts', 'line 5\n', 'line five (builder)\n');
    await workspace.commit('Name line five');
    await workspace.writeFile('untracked.txt', 'kept\n');
    await workspace.editFile('README.md', '# demo', '# demo (uncommitted)');
    const headBefore = head();
    const statusBefore = status();
    pushToUpstream(upstreamPath, base, { 'src/parse.ts': numberedLines(10).replace('line 5\n', 'line FIVE (upstream)\n') }, 'Shout line five', 10);

    const result = await workspace.refresh();
    expect(result.status).toBe('conflict');
    expect(result.detail).toContain('has 1 new commit that conflicts with your 1 commit in: src/parse.ts');
    expect(result.detail).toContain('your commits were left un-rebased on the old base');
    expect(result.detail).toContain('your uncommitted changes were kept');
    expect(head()).toBe(headBefore);
    expect(status()).toBe(statusBefore);
    expect(read('src/parse.ts')).toContain('line five (builder)');
    expect(read('README.md')).toBe('# demo (uncommitted)\n');
    noOperationInProgress();
    // The upstream as fetched is known now: the commit still counts as "since upstream" against it.
    expect((await workspace.commitsSinceUpstream()).map((commit) => commit.subject)).toEqual(['Name line five']);
  });

  it('reports uncommitted changes that collide with upstream and changes nothing', async () => {
    await workspace.editFile('src/parse.ts', 'line 2\n', 'line two (uncommitted)\n');
    await workspace.writeFile('new-upstream.txt', 'my untracked version\n');
    const headBefore = head();
    pushToUpstream(
      upstreamPath,
      base,
      { 'src/parse.ts': numberedLines(10).replace('line 2\n', 'line TWO (upstream)\n'), 'new-upstream.txt': 'upstream version\n' },
      'Upstream edits line two',
      10,
    );

    const result = await workspace.refresh();
    expect(result.status).toBe('conflict');
    expect(result.detail).toMatch(/same files as your uncommitted changes: .*src\/parse\.ts/);
    expect(result.detail).toContain('Nothing was changed');
    expect(head()).toBe(headBefore);
    expect(read('src/parse.ts')).toContain('line two (uncommitted)');
    expect(read('new-upstream.txt')).toBe('my untracked version\n');
    expect(status()).toBe(' M src/parse.ts\n?? new-upstream.txt\n');
    noOperationInProgress();
  });
});
