// formatPatchSeries: the parts of a series (cover letter + one per commit, v2 subjects), and the proof that
// they are right: turned into an mbox the way a mail layer would, the system's git am rebuilds the same tree
// with the same authors in a fresh clone.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatPatchSeries, patchBodyForSender, type PatchMailPart } from '../../src/workspace/patch-series.ts';
import { Workspace, WorkspaceToolError } from '../../src/workspace/workspace.ts';
import { AGENT, MAINTAINER, mbox, openDemoWorkspace, systemGit, TempDirs } from './workspace-fixtures.ts';

const temp = new TempDirs();
let base: string;
let upstreamPath: string;
let workspace: Workspace;

beforeEach(async () => {
  ({ base, upstreamPath, workspace } = await openDemoWorkspace(temp));
});
afterEach(() => temp.removeAll());

async function threeCommits(): Promise<void> {
  await workspace.editFile('src/parse.ts', 'line 1\n', 'line one\n');
  await workspace.commit('Name the first line\n\nWords read better than digits.');
  await workspace.writeFile('docs/naïve.md', 'Ünïcödé text, trailing space kept: \n\ttab line\n');
  await workspace.commit('Document the naïve parser');
  await workspace.editFile('src/parse.ts', 'line 9\n', 'line nine\n');
  await workspace.writeFile('assets/logo.bin', '\u0000\u0001binary\u0000');
  await workspace.commit('Name the ninth line and add a logo with a subject long enough to be folded by git format-patch');
}

const subjects = (parts: PatchMailPart[]): string[] => parts.map((part) => part.subject);

describe('formatPatchSeries', () => {
  it('makes a cover letter and one part per commit for a series', async () => {
    await threeCommits();
    const parts = await formatPatchSeries(workspace, { coverSubject: 'Parser naming', coverBody: 'Names instead of numbers.\nThree small steps.' });
    expect(parts.map((part) => [part.kind, part.index, part.total])).toEqual([['cover', 0, 3], ['patch', 1, 3], ['patch', 2, 3], ['patch', 3, 3]]);
    expect(subjects(parts)).toEqual([
      '[PATCH 0/3] Parser naming',
      '[PATCH 1/3] Name the first line',
      '[PATCH 2/3] Document the naïve parser',
      '[PATCH 3/3] Name the ninth line and add a logo with a subject long enough to be folded by git format-patch',
    ]);
    const [cover, first, second] = parts as [PatchMailPart, PatchMailPart, PatchMailPart];
    expect(cover.commit).toBeUndefined();
    expect(cover.body.startsWith('Names instead of numbers.\nThree small steps.\n\nAda Builder (3):\n  Name the first line\n')).toBe(true);
    expect(cover.body).toMatch(/ 3 files changed, /);
    expect(cover.body).not.toContain('***');
    expect(cover).toMatchObject({ authorName: AGENT.name, authorEmail: AGENT.email });
    const commits = await workspace.commitsSinceUpstream();
    expect(parts.slice(1).map((part) => part.commit)).toEqual(commits.map((commit) => commit.sha));
    expect(first).toMatchObject({ authorName: AGENT.name, authorEmail: AGENT.email, headers: [] });
    expect(first.body.startsWith(`Words read better than digits.\n\nSigned-off-by: ${AGENT.name} <${AGENT.email}>\n---\n src/parse.ts | 2 +-\n`)).toBe(true);
    expect(first.body.endsWith('-- \nmailswarm\n\n')).toBe(true);
    expect(first.body).not.toContain('\r');
    expect(second.headers).toEqual([
      ['MIME-Version', '1.0'],
      ['Content-Type', 'text/plain; charset=UTF-8'],
      ['Content-Transfer-Encoding', '8bit'],
    ]);
    expect(second.body).toContain('+Ünïcödé text, trailing space kept: \n+\ttab line\n');
    expect(first.date).toMatch(/^\w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/);
  });

  it('numbers a second version v2 and sends a single commit without a cover letter', async () => {
    await threeCommits();
    expect(subjects(await formatPatchSeries(workspace, { version: 2, coverSubject: 'Parser naming' })).slice(0, 3)).toEqual([
      '[PATCH v2 0/3] Parser naming',
      '[PATCH v2 1/3] Name the first line',
      '[PATCH v2 2/3] Document the naïve parser',
    ]);

    const single = await Workspace.open({ upstreamPath, path: path.join(base, 'workspaces', 'other', 'demo'), author: AGENT, commitDates: 'wall' });
    await single.writeFile('one.txt', 'one\n');
    await single.commit('Add one');
    expect(subjects(await formatPatchSeries(single, {}))).toEqual(['[PATCH] Add one']);
    expect(subjects(await formatPatchSeries(single, { version: 2 }))).toEqual(['[PATCH v2] Add one']);
    expect((await formatPatchSeries(single, {}))[0]).toMatchObject({ kind: 'patch', index: 1, total: 1 });
  });

  it('refuses an empty series with a message the model can act on', async () => {
    const error = await formatPatchSeries(workspace, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkspaceToolError);
    expect((error as Error).message).toBe('no commits to send: HEAD has nothing that upstream main lacks (commit your changes first)');
  });

  it('is the same mail when formatted twice (logical dates)', async () => {
    await threeCommits();
    expect(await formatPatchSeries(workspace, { coverSubject: 'x' })).toEqual(await formatPatchSeries(workspace, { coverSubject: 'x' }));
  });
});

describe('patch mails apply with the system git am', () => {
  it('rebuilds the same tree and keeps the authors when a maintainer sends the series', async () => {
    await threeCommits();
    const parts = await formatPatchSeries(workspace, { coverSubject: 'Parser naming' });
    // The maintainer forwards the agent's patches: each body gains an in-body From: line.
    expect(patchBodyForSender(parts[1]!, MAINTAINER).startsWith(`From: ${AGENT.name} <${AGENT.email}>\n\n`)).toBe(true);
    expect(patchBodyForSender(parts[1]!, AGENT)).toBe(parts[1]!.body);
    expect(patchBodyForSender(parts[0]!, MAINTAINER)).toBe(parts[0]!.body);

    for (const sender of [AGENT, MAINTAINER]) {
      const clone = path.join(base, `fresh-${sender.email}`);
      systemGit(['clone', '--quiet', upstreamPath, clone], base);
      const mboxFile = path.join(base, `series-${sender.email}.mbox`);
      // git am takes patches only: the cover letter is the mail layer's, not a commit.
      fs.writeFileSync(mboxFile, mbox(parts.filter((part) => part.kind === 'patch'), sender));
      systemGit(['am', '--quiet', '-3', mboxFile], clone, { GIT_COMMITTER_NAME: 'Peer', GIT_COMMITTER_EMAIL: 'peer@example.com' });
      expect(systemGit(['rev-parse', 'HEAD^{tree}'], clone)).toBe(systemGit(['rev-parse', 'HEAD^{tree}'], workspace.root));
      expect(systemGit(['log', '--format=%an <%ae>|%s', 'origin/main..HEAD'], clone).trim().split('\n')).toEqual([
        `${AGENT.name} <${AGENT.email}>|Name the ninth line and add a logo with a subject long enough to be folded by git format-patch`,
        `${AGENT.name} <${AGENT.email}>|Document the naïve parser`,
        `${AGENT.name} <${AGENT.email}>|Name the first line`,
      ]);
      expect(fs.readFileSync(path.join(clone, 'docs', 'naïve.md'), 'utf8')).toBe('Ünïcödé text, trailing space kept: \n\ttab line\n');
    }
  });
});
