// applyPatchMails: raw CRLF patch mails applied with git am -3 to upstream (in a scratch clone, pushed, with
// review trailers and the agent kept as author) or to a workspace; a conflict applies nothing and leaves no
// git am session; logical dates make the same steps give the same shas in fresh directories.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPatchMails } from '../../src/workspace/patch-apply.ts';
import { formatPatchSeries, type PatchMailPart } from '../../src/workspace/patch-series.ts';
import { ensureUpstream } from '../../src/workspace/project-upstream.ts';
import { Workspace, type CommitDates } from '../../src/workspace/workspace.ts';
import { AGENT, MAINTAINER, makeUserRepository, numberedLines, OTHER_AGENT, pushToUpstream, rawPatchMail, systemGit, TempDirs } from './workspace-fixtures.ts';

const temp = new TempDirs();
afterEach(() => temp.removeAll());

interface Project {
  base: string;
  upstreamPath: string;
  scratchDir: string;
  workspace: Workspace;
}

async function project(commitDates: CommitDates = 'logical'): Promise<Project> {
  const base = temp.make();
  const upstreamPath = path.join(base, 'projects', 'demo.git');
  await ensureUpstream({ sourcePath: makeUserRepository(base), upstreamPath });
  const workspace = await Workspace.open({ upstreamPath, path: path.join(base, 'workspaces', 'builder', 'demo'), author: AGENT, commitDates });
  return { base, upstreamPath, scratchDir: path.join(base, 'scratch'), workspace };
}

async function twoCommitSeries(workspace: Workspace): Promise<PatchMailPart[]> {
  await workspace.editFile('src/parse.ts', 'line 2\n', 'line two\n');
  await workspace.commit('Name line two');
  await workspace.writeFile('docs/usage.md', 'Usage.\n');
  await workspace.commit('Document usage');
  return (await formatPatchSeries(workspace, { coverSubject: 'Naming' })).filter((part) => part.kind === 'patch');
}

const mails = (parts: PatchMailPart[], sender = AGENT): Buffer[] =>
  parts.map((part) => rawPatchMail(part, { sender, messageId: `patch-${part.index}@swarm.local`, inReplyTo: 'cover@swarm.local' }));

const upstreamTarget = (setup: Project) => ({ kind: 'upstream' as const, upstreamPath: setup.upstreamPath, scratchDir: setup.scratchDir, committer: MAINTAINER });

describe('applyPatchMails to upstream', () => {
  it('applies with trailers, keeps the author, and the workspaces see it after refresh', async () => {
    const setup = await project();
    const parts = await twoCommitSeries(setup.workspace);
    const signedOff = `Signed-off-by: ${AGENT.name} <${AGENT.email}>`;
    const result = await applyPatchMails({
      target: upstreamTarget(setup),
      mails: mails(parts),
      trailers: [['Reviewed-by: Rita Reviewer <rita@swarm.local>'], ['Reviewed-by: Rita Reviewer <rita@swarm.local>', 'Tested-by: Bo Tester <tester@swarm.local>', signedOff]],
      commitDates: 'logical',
    });
    expect(result.status).toBe('applied');
    if (result.status !== 'applied') return;
    expect(result.commits.map((commit) => [commit.subject, commit.authorName, commit.authorEmail])).toEqual([
      ['Name line two', AGENT.name, AGENT.email],
      ['Document usage', AGENT.name, AGENT.email],
    ]);
    expect(systemGit(['rev-parse', 'main'], setup.upstreamPath).trim()).toBe(result.commits[1]!.sha);
    expect(systemGit(['log', '-2', '--format=%an <%ae>|%cn <%ce>', 'main'], setup.upstreamPath).trim().split('\n')).toEqual([
      `${AGENT.name} <${AGENT.email}>|${MAINTAINER.name} <${MAINTAINER.email}>`,
      `${AGENT.name} <${AGENT.email}>|${MAINTAINER.name} <${MAINTAINER.email}>`,
    ]);
    expect(systemGit(['show', '--no-patch', '--format=%B', 'main~1'], setup.upstreamPath)).toBe(
      `Name line two\n\n${signedOff}\nReviewed-by: Rita Reviewer <rita@swarm.local>\n\n`,
    );
    expect(systemGit(['show', '--no-patch', '--format=%B', 'main'], setup.upstreamPath)).toBe(
      `Document usage\n\n${signedOff}\nReviewed-by: Rita Reviewer <rita@swarm.local>\nTested-by: Bo Tester <tester@swarm.local>\n\n`,
    );
    expect(fs.readdirSync(setup.scratchDir)).toEqual([]);

    // The sender's workspace: its own commits are now upstream (new shas), so the rebase drops them.
    const refreshed = await setup.workspace.refresh();
    expect(refreshed.status).toBe('rebased');
    expect(refreshed.detail).toContain('2 commits of yours were already upstream (applied) and dropped, 0 left');
    expect(systemGit(['rev-parse', 'HEAD'], setup.workspace.root).trim()).toBe(result.commits[1]!.sha);
    expect(await setup.workspace.commitsSinceUpstream()).toEqual([]);

    const other = await Workspace.open({ upstreamPath: setup.upstreamPath, path: path.join(setup.base, 'workspaces', 'tester', 'demo'), author: OTHER_AGENT, commitDates: 'logical' });
    expect(await other.readFile('docs/usage.md')).toBe('docs/usage.md (lines 1-1 of 1)\nUsage.');
  });

  it('dates applied commits one minute after their parents in logical mode', async () => {
    const setup = await project();
    const parts = await twoCommitSeries(setup.workspace);
    await applyPatchMails({ target: upstreamTarget(setup), mails: mails(parts), trailers: [[], []], commitDates: 'logical' });
    const times = systemGit(['log', '-3', '--format=%at %ct', 'main'], setup.upstreamPath).trim().split('\n').reverse().map((line) => line.split(' ').map(Number));
    const base = times[0]![1]!;
    expect(times.slice(1)).toEqual([[base + 60, base + 60], [base + 120, base + 120]]);
  });

  it('keeps the mail\'s author date in wall mode', async () => {
    const setup = await project('wall');
    const parts = await twoCommitSeries(setup.workspace);
    await applyPatchMails({ target: upstreamTarget(setup), mails: mails(parts), trailers: [], commitDates: 'wall' });
    const authorDates = systemGit(['log', '-2', '--reverse', '--format=%aD', 'main'], setup.upstreamPath).trim().split('\n');
    expect(authorDates).toEqual(parts.map((part) => part.date));
  });

  it('serializes concurrent applies to one upstream: both series land', async () => {
    const setup = await project();
    const builderParts = await twoCommitSeries(setup.workspace);
    const other = await Workspace.open({ upstreamPath: setup.upstreamPath, path: path.join(setup.base, 'workspaces', 'tester', 'demo'), author: OTHER_AGENT, commitDates: 'logical' });
    await other.writeFile('tests/parse.test.ts', 'test\n');
    await other.commit('Test the parser');
    const otherParts = (await formatPatchSeries(other, {})).filter((part) => part.kind === 'patch');

    const results = await Promise.all([
      applyPatchMails({ target: upstreamTarget(setup), mails: mails(builderParts), trailers: [], commitDates: 'logical' }),
      applyPatchMails({ target: upstreamTarget(setup), mails: mails(otherParts, OTHER_AGENT), trailers: [], commitDates: 'logical' }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['applied', 'applied']);
    expect(systemGit(['log', '-3', '--format=%s', 'main'], setup.upstreamPath).trim().split('\n')).toEqual(['Test the parser', 'Document usage', 'Name line two']);
  });

  it('reports a conflict, applies nothing and leaves no git am session', async () => {
    const setup = await project();
    const parts = await twoCommitSeries(setup.workspace);
    // Upstream changes the line the first patch rewrites.
    pushToUpstream(setup.upstreamPath, setup.base, { 'src/parse.ts': numberedLines(10).replace('line 2\n', 'line II\n') }, 'Roman line two', 10);
    const upstreamHead = systemGit(['rev-parse', 'main'], setup.upstreamPath).trim();

    const result = await applyPatchMails({ target: upstreamTarget(setup), mails: mails(parts), trailers: [[], []], commitDates: 'logical' });
    expect(result).toMatchObject({ status: 'conflict', patchIndex: 0 });
    if (result.status !== 'conflict') return;
    expect(result.detail).toMatch(/^patch 1\/2 "Name line two" conflicts in src\/parse\.ts \(on [0-9a-f]{12}\); nothing was applied\. git am said: /);
    expect(systemGit(['rev-parse', 'main'], setup.upstreamPath).trim()).toBe(upstreamHead);
    expect(fs.readdirSync(setup.scratchDir)).toEqual([]);
  });
});

describe('applyPatchMails to a workspace', () => {
  it('applies a series from mail into another agent\'s workspace', async () => {
    const setup = await project();
    const parts = await twoCommitSeries(setup.workspace);
    const other = await Workspace.open({ upstreamPath: setup.upstreamPath, path: path.join(setup.base, 'workspaces', 'tester', 'demo'), author: OTHER_AGENT, commitDates: 'logical' });
    await other.writeFile('scratch.txt', 'uncommitted, kept\n');
    const result = await applyPatchMails({ target: { kind: 'workspace', workspace: other }, mails: mails(parts), trailers: [], commitDates: 'logical' });
    expect(result.status).toBe('applied');
    expect(systemGit(['rev-parse', 'HEAD^{tree}'], other.root)).toBe(systemGit(['rev-parse', 'HEAD^{tree}'], setup.workspace.root));
    expect(systemGit(['log', '-2', '--format=%an|%cn', 'HEAD'], other.root).trim()).toBe(`${AGENT.name}|${OTHER_AGENT.name}\n${AGENT.name}|${OTHER_AGENT.name}`);
    expect(systemGit(['status', '--porcelain'], other.root)).toBe('?? scratch.txt\n');
  });

  it('undoes the patches before the conflicting one and leaves no rebase-apply', async () => {
    const setup = await project();
    const parts = await twoCommitSeries(setup.workspace);
    const other = await Workspace.open({ upstreamPath: setup.upstreamPath, path: path.join(setup.base, 'workspaces', 'tester', 'demo'), author: OTHER_AGENT, commitDates: 'logical' });
    await other.writeFile('docs/usage.md', 'A different usage file.\n');
    await other.commit('Start the usage docs differently');
    const headBefore = systemGit(['rev-parse', 'HEAD'], other.root).trim();

    const result = await applyPatchMails({ target: { kind: 'workspace', workspace: other }, mails: mails(parts), trailers: [], commitDates: 'logical' });
    expect(result).toMatchObject({ status: 'conflict', patchIndex: 1 });
    expect(systemGit(['rev-parse', 'HEAD'], other.root).trim()).toBe(headBefore);
    expect(fs.existsSync(path.join(other.root, '.git', 'rebase-apply'))).toBe(false);
    expect(systemGit(['status', '--porcelain'], other.root)).toBe('');
  });
});

describe('logical commit dates', () => {
  async function scenario(): Promise<unknown> {
    const setup = await project();
    const parts = await twoCommitSeries(setup.workspace);
    const coverAndPatches = await formatPatchSeries(setup.workspace, { coverSubject: 'Naming', coverBody: 'Two steps.' });
    const applied = await applyPatchMails({ target: upstreamTarget(setup), mails: mails(parts), trailers: [['Acked-by: Mae Maintainer <maintainer@swarm.local>'], []], commitDates: 'logical' });
    await setup.workspace.refresh();
    await setup.workspace.writeFile('after.txt', 'after\n');
    const after = await setup.workspace.commit('Add after');
    // No clock reading leaked in: every date is minutes after the user's commits of 2024-01-01.
    const dates = [setup.upstreamPath, setup.workspace.root].flatMap((repo) => systemGit(['log', '--all', '--format=%at%n%ct'], repo).trim().split('\n').map(Number));
    expect(Math.max(...dates)).toBeLessThan(Date.UTC(2024, 0, 2) / 1000);
    for (const part of coverAndPatches) expect(part.date).toMatch(/ 1 Jan 2024 /);
    return { coverAndPatches, applied, after, upstream: systemGit(['rev-parse', 'main'], setup.upstreamPath).trim() };
  }

  it('make the same commits, mails and shas when the same steps run twice in fresh directories', async () => {
    const first = await scenario();
    const second = await scenario();
    expect(second).toEqual(first);
  });
});
