// Issue 14, acceptance 2: peer-correction attribution on hand-made git histories in temporary repositories:
// A breaks and B fixes (a peer correction), A breaks and A fixes (a self correction), B fixes after a mail
// asked it in To: (prompted) or only copied it (unprompted), nothing broken, a seeded bug that is fixed
// (solving the task corrects nobody), and a [PATCH v2] from B in the thread of A's broken [PATCH] that never
// landed (the correction happens in review, found through the rebuilt patch commits).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectCommitHistory, type PatchMail } from '../../src/experiment/commit-history.ts';
import { attributeCorrections, summariseCorrections, type AddressedMail } from '../../src/experiment/peer-corrections.ts';
import { parseTestOutput } from '../../src/experiment/test-output.ts';

const scratchDirs: string[] = [];
afterEach(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A repository whose "tests" are: test a passes when a.txt says good, test b when b.txt does. */
function makeRepository(): { dir: string; commit: (author: string, files: Record<string, string>, message: string) => string; formatPatch: (sha: string) => Buffer } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-attribution-'));
  scratchDirs.push(dir);
  const repository = path.join(dir, 'upstream');
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', repository]);
  let tick = 0;
  const commit = (author: string, files: Record<string, string>, message: string) => {
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(repository, name), content);
    execFileSync('git', ['add', '--all'], { cwd: repository });
    tick += 60;
    const date = `@${1767225600 + tick} +0000`;
    execFileSync('git', ['commit', '--quiet', '-m', message], {
      cwd: repository,
      env: { ...process.env, GIT_AUTHOR_NAME: author, GIT_AUTHOR_EMAIL: `${author}@swarm.local`, GIT_COMMITTER_NAME: author, GIT_COMMITTER_EMAIL: `${author}@swarm.local`, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repository, encoding: 'utf8' }).trim();
  };
  const formatPatch = (sha: string) => execFileSync('git', ['format-patch', '-1', '--stdout', sha], { cwd: repository });
  return { dir, commit, formatPatch };
}

const testsAt = async (directory: string) => {
  const output = execFileSync('sh', ['-c', 'for t in a b; do if grep -q good $t.txt; then echo "ok - $t"; else echo "not ok - $t"; fi; done'], { cwd: directory, encoding: 'utf8' });
  return parseTestOutput(output, !output.includes('not ok')).tests;
};

const authorOf = (email: string) => email.split('@')[0]!;

async function attribute(repository: ReturnType<typeof makeRepository>, patchMails: PatchMail[] = [], mails: AddressedMail[] = []) {
  const history = await collectCommitHistory({ upstreamPath: path.join(repository.dir, 'upstream'), scratchDir: path.join(repository.dir, 'scratch'), patchMails, authorOf, testsAt });
  return { history, attribution: attributeCorrections(history.nodes, mails) };
}

function patchMail(repository: ReturnType<typeof makeRepository>, sha: string, fields: Omit<PatchMail, 'raw'>): PatchMail {
  return { ...fields, raw: repository.formatPatch(sha) };
}

describe('peer-correction attribution on git histories', () => {
  it('A breaks, B fixes: one unprompted peer correction', async () => {
    const repository = makeRepository();
    repository.commit('import', { 'a.txt': 'good', 'b.txt': 'good' }, 'import');
    const broken = repository.commit('alice', { 'a.txt': 'bad' }, 'alice rewrites a');
    const fixed = repository.commit('bob', { 'a.txt': 'good' }, 'bob repairs a');
    const { attribution } = await attribute(repository);
    expect(attribution.corrections).toEqual([
      expect.objectContaining({ tests: ['a'], introducedBy: 'alice', introducedAt: broken, fixedBy: 'bob', fixedAt: [fixed], kind: 'peer', prompted: false }),
    ]);
    expect(summariseCorrections(attribution)).toEqual({ peer: 1, peerPrompted: 0, peerUnprompted: 1, self: 0, breakages: 1, unfixedBreakages: 0 });
  });

  it('A breaks, A fixes: a self correction, no peer correction', async () => {
    const repository = makeRepository();
    repository.commit('import', { 'a.txt': 'good', 'b.txt': 'good' }, 'import');
    repository.commit('alice', { 'b.txt': 'bad' }, 'alice breaks b');
    repository.commit('alice', { 'b.txt': 'good' }, 'alice repairs b');
    const { attribution } = await attribute(repository);
    expect(attribution.corrections).toEqual([expect.objectContaining({ tests: ['b'], introducedBy: 'alice', fixedBy: 'alice', kind: 'self' })]);
    expect(summariseCorrections(attribution)).toMatchObject({ peer: 0, self: 1 });
  });

  it('B fixes after a mail in the breaking patch\'s thread put B in To: prompted; only copied: unprompted', async () => {
    const repository = makeRepository();
    repository.commit('import', { 'a.txt': 'good', 'b.txt': 'good' }, 'import');
    const broken = repository.commit('alice', { 'a.txt': 'bad' }, 'alice rewrites a');
    const fixed = repository.commit('bob', { 'a.txt': 'good' }, 'bob repairs a');
    const patches = [
      patchMail(repository, broken, { messageId: '<v1@swarm.local>', order: 1, from: 'alice', subject: '[PATCH] alice rewrites a', inReplyTo: '<task@swarm.local>', references: ['<task@swarm.local>'] }),
      patchMail(repository, fixed, { messageId: '<fix@swarm.local>', order: 3, from: 'bob', subject: '[PATCH] bob repairs a', inReplyTo: '<report@swarm.local>', references: ['<task@swarm.local>', '<v1@swarm.local>', '<report@swarm.local>'] }),
    ];
    const report = (to: string[]): AddressedMail => ({ order: 2, messageId: '<report@swarm.local>', from: 'tester', to, threadIds: ['<report@swarm.local>', '<v1@swarm.local>', '<task@swarm.local>'] });
    // The task mail asked bob too, but before the breaking patch existed: it does not count.
    const task: AddressedMail = { order: 0, messageId: '<task@swarm.local>', from: 'human', to: ['alice', 'bob'], threadIds: ['<task@swarm.local>'] };

    const asked = await attribute(repository, patches, [task, report(['bob'])]);
    expect(asked.attribution.corrections).toEqual([expect.objectContaining({ tests: ['a'], introducedBy: 'alice', fixedBy: 'bob', kind: 'peer', prompted: true, promptedBy: '<report@swarm.local>', introducedInMessage: '<v1@swarm.local>' })]);
    expect(summariseCorrections(asked.attribution)).toMatchObject({ peer: 1, peerPrompted: 1, peerUnprompted: 0 });

    const copied = await attribute(repository, patches, [task, report(['alice'])]);
    expect(copied.attribution.corrections).toEqual([expect.objectContaining({ fixedBy: 'bob', kind: 'peer', prompted: false })]);
  });

  it('nothing broken: no breakage, no correction', async () => {
    const repository = makeRepository();
    repository.commit('import', { 'a.txt': 'good', 'b.txt': 'good' }, 'import');
    repository.commit('alice', { 'c.txt': 'new file' }, 'alice adds c');
    repository.commit('bob', { 'a.txt': 'good, and better' }, 'bob improves a');
    const { attribution } = await attribute(repository);
    expect(attribution).toEqual({ breakages: [], corrections: [] });
  });

  it('fixing the task\'s seeded bug solves it but corrects nobody', async () => {
    const repository = makeRepository();
    repository.commit('import', { 'a.txt': 'bad', 'b.txt': 'good' }, 'import with a seeded bug');
    repository.commit('bob', { 'a.txt': 'good' }, 'bob fixes the bug');
    const { attribution } = await attribute(repository);
    expect(attribution).toEqual({ breakages: [], corrections: [] });
  });

  it('a [PATCH v2] from B in the thread of A\'s broken [PATCH] that never landed: a peer correction in review', async () => {
    const repository = makeRepository();
    const base = repository.commit('import', { 'a.txt': 'bad', 'b.txt': 'good' }, 'import with a seeded bug');
    // v1 fixes the seeded bug but breaks b; v2 (made afresh on the same base) fixes both. Only v2 lands.
    const v1 = repository.commit('alice', { 'a.txt': 'good', 'b.txt': 'bad' }, 'fix a (v1)');
    execFileSync('git', ['reset', '--quiet', '--hard', base], { cwd: path.join(repository.dir, 'upstream') });
    const v2 = repository.commit('bob', { 'a.txt': 'good' }, 'fix a (v2)');
    const patches = [
      patchMail(repository, v1, { messageId: '<v1@swarm.local>', order: 1, from: 'alice', subject: '[PATCH] fix a', inReplyTo: '<task@swarm.local>', references: ['<task@swarm.local>'] }),
      patchMail(repository, v2, { messageId: '<v2@swarm.local>', order: 3, from: 'bob', subject: '[PATCH v2] fix a', inReplyTo: '<report@swarm.local>', references: ['<task@swarm.local>', '<v1@swarm.local>', '<report@swarm.local>'] }),
    ];
    const { history, attribution } = await attribute(repository, patches, [{ order: 2, messageId: '<report@swarm.local>', from: 'tester', to: ['alice'], threadIds: ['<report@swarm.local>', '<v1@swarm.local>'] }]);
    expect(history.series.map((series) => [series.headMessageId, series.status, series.base])).toEqual([
      ['<v1@swarm.local>', 'rebuilt', base],
      ['<v2@swarm.local>', 'rebuilt', base],
    ]);
    expect(history.series[1]!.supersedes).toBe('<v1@swarm.local>#1');
    expect(attribution.corrections).toEqual([
      expect.objectContaining({ tests: ['b'], introducedBy: 'alice', introducedAt: '<v1@swarm.local>#1', fixedBy: 'bob', fixedAt: ['<v2@swarm.local>#1'], kind: 'peer', prompted: false }),
    ]);
  });
});
