// The commits of a run as peer-correction attribution sees them (peer-corrections.ts): every upstream commit,
// and every commit a patch mail carried, rebuilt in a scratch clone by `git am` on the upstream commit it was
// made on (found from the patch's preimage blob ids, the "index <old>..<new>" lines of git-format-patch(1)),
// each with the tests' verdicts at it. Patch commits are named "<Message-ID of the series>#<n>" (stable run to
// run, unlike their rebuilt shas, which carry the mail's Date:); upstream commits by their sha. The same change
// in both places shares its `git patch-id --stable`. Tests run once per distinct tree.
import fs from 'node:fs';
import path from 'node:path';
import { runGit } from '../workspace/git-runner.ts';
import { patchPosition } from '../swarm/patch-tools.ts';
import type { CommitNode } from './peer-corrections.ts';

/** A patch mail of the run ([PATCH], [PATCH vN k/M], or the cover letter [PATCH 0/M]). */
export interface PatchMail {
  messageId: string;
  /** Position on the run's time line (mail sequence). */
  order: number;
  /** Agent name of the sender. */
  from: string;
  subject: string;
  inReplyTo: string | undefined;
  references: string[];
  raw: Buffer;
}

export interface RebuiltSeries {
  /** The cover letter, or the single patch. */
  headMessageId: string;
  messageIds: string[];
  from: string;
  order: number;
  status: 'rebuilt' | 'no-base' | 'does-not-apply' | 'incomplete';
  base: string | undefined;
  /** Node ids of its commits, in order. */
  nodeIds: string[];
  supersedes: string | undefined;
}

/** Test name → verdict for the checkout at `directory` (visible and hidden tests, prefixed). */
export type TestsAt = (directory: string) => Promise<Map<string, 'pass' | 'fail'>>;

export interface CommitHistoryInput {
  upstreamPath: string;
  /** A folder the collector may fill (a clone of upstream is made in it). */
  scratchDir: string;
  patchMails: PatchMail[];
  /** Author e-mail → agent name (or "import", "human"). */
  authorOf: (email: string) => string;
  testsAt: TestsAt;
  /** Time-line position of an upstream commit no patch mail carried (a direct push); default: after everything. */
  upstreamOrder?: (sha: string) => number | undefined;
}

export interface CommitHistory {
  nodes: CommitNode[];
  series: RebuiltSeries[];
  /** Upstream commits oldest first (first parents), as shas. */
  upstream: string[];
}

const FIELD = '\x1f';
const committer = { GIT_COMMITTER_NAME: 'mailswarm experiment', GIT_COMMITTER_EMAIL: 'experiment@mailswarm.invalid', GIT_COMMITTER_DATE: '@1767225600 +0000' };

export async function collectCommitHistory(input: CommitHistoryInput): Promise<CommitHistory> {
  fs.mkdirSync(input.scratchDir, { recursive: true });
  const clone = path.join(input.scratchDir, 'history');
  fs.rmSync(clone, { recursive: true, force: true });
  await runGit(['clone', '--quiet', '--no-checkout', '--', path.resolve(input.upstreamPath), clone], { cwd: input.scratchDir });
  const log = await runGit(['log', '--reverse', '--topo-order', `--format=%H${FIELD}%P${FIELD}%ae`, 'HEAD', '--'], { cwd: clone });
  const upstreamCommits = log.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [sha, parents, email] = line.split(FIELD);
      return { sha: sha!, parents: parents!.split(' ').filter((parent) => parent !== ''), email: email! };
    });

  const series = await rebuildSeries(clone, input, upstreamCommits.map((commit) => commit.sha).reverse());
  const testCache = new Map<string, Promise<Map<string, 'pass' | 'fail'>>>();
  const testsOf = async (sha: string) => {
    const tree = (await runGit(['rev-parse', `${sha}^{tree}`], { cwd: clone })).stdout.trim();
    let verdicts = testCache.get(tree);
    if (!verdicts) {
      verdicts = (async () => {
        await runGit(['checkout', '--quiet', '--force', '--detach', sha], { cwd: clone });
        await runGit(['clean', '-fdxq'], { cwd: clone });
        return input.testsAt(clone);
      })();
      testCache.set(tree, verdicts);
    }
    return verdicts;
  };

  const nodes: CommitNode[] = [];
  const patchOrderOfChange = new Map<string, number>();
  for (const rebuilt of series.list) {
    for (const [position, nodeId] of rebuilt.nodeIds.entries()) {
      const commit = series.commits.get(nodeId)!;
      const changeId = await patchIdOf(clone, commit.sha);
      const order = rebuilt.order + position / 1000;
      if (changeId && !patchOrderOfChange.has(changeId)) patchOrderOfChange.set(changeId, order);
      nodes.push({
        id: nodeId,
        author: input.authorOf(commit.email),
        parents: [commit.parentNode],
        supersedes: position === 0 ? rebuilt.supersedes : undefined,
        changeId,
        messageId: commit.messageId,
        order,
        tests: await testsOf(commit.sha),
      });
    }
  }
  for (const [index, commit] of upstreamCommits.entries()) {
    const changeId = commit.parents.length === 0 ? undefined : await patchIdOf(clone, commit.sha);
    const order = commit.parents.length === 0 ? -1 : ((changeId ? patchOrderOfChange.get(changeId) : undefined) ?? input.upstreamOrder?.(commit.sha) ?? Number.MAX_SAFE_INTEGER - upstreamCommits.length + index);
    nodes.push({ id: commit.sha, author: input.authorOf(commit.email), parents: commit.parents, changeId, order, tests: await testsOf(commit.sha) });
  }
  const firstParents = firstParentChain(upstreamCommits);
  fs.rmSync(clone, { recursive: true, force: true });
  return { nodes, series: series.list, upstream: firstParents };
}

interface RebuiltCommit {
  sha: string;
  email: string;
  messageId: string;
  parentNode: string;
}

/** Applies every patch series on its base; later series that answer an earlier one supersede it. */
async function rebuildSeries(clone: string, input: CommitHistoryInput, upstreamNewestFirst: string[]): Promise<{ list: RebuiltSeries[]; commits: Map<string, RebuiltCommit> }> {
  const commits = new Map<string, RebuiltCommit>();
  const list: RebuiltSeries[] = [];
  const mails = [...input.patchMails].sort((left, right) => left.order - right.order);
  const positioned = mails.map((mail) => ({ mail, position: patchPosition(mail.subject) })).filter((entry) => entry.position !== undefined);
  const covers = new Set(positioned.filter((entry) => entry.position!.index === 0).map((entry) => entry.mail.messageId));
  for (const { mail, position } of positioned) {
    // Parts of a series are taken with their cover letter.
    if (position!.index !== 0 && mail.inReplyTo !== undefined && covers.has(mail.inReplyTo)) continue;
    const parts =
      position!.index === 0
        ? positioned
            .filter((entry) => entry.mail.inReplyTo === mail.messageId && entry.position!.index > 0 && entry.position!.version === position!.version)
            .sort((left, right) => left.position!.index - right.position!.index)
            .map((entry) => entry.mail)
        : [mail];
    const answered = new Set([...mail.references, ...(mail.inReplyTo ? [mail.inReplyTo] : [])]);
    const earlier = [...list].reverse().find((candidate) => candidate.status === 'rebuilt' && candidate.messageIds.some((id) => answered.has(id)));
    const rebuilt: RebuiltSeries = {
      headMessageId: mail.messageId,
      messageIds: [mail.messageId, ...parts.filter((part) => part !== mail).map((part) => part.messageId)],
      from: mail.from,
      order: mail.order,
      status: 'rebuilt',
      base: undefined,
      nodeIds: [],
      supersedes: earlier?.nodeIds.at(-1),
    };
    list.push(rebuilt);
    if (position!.index === 0 && parts.length !== position!.total) {
      rebuilt.status = 'incomplete';
      continue;
    }
    const base = await findBase(clone, parts[0]!.raw, upstreamNewestFirst);
    if (!base) {
      rebuilt.status = 'no-base';
      continue;
    }
    rebuilt.base = base;
    await runGit(['checkout', '--quiet', '--force', '--detach', base], { cwd: clone });
    let parentNode = base;
    for (const [index, part] of parts.entries()) {
      const file = path.join(input.scratchDir, 'patch.eml');
      fs.writeFileSync(file, part.raw);
      const am = await runGit(['am', '--quiet', '-3', '--no-scissors', file], { cwd: clone, env: committer, allowFailure: true });
      if (am.exitCode !== 0) {
        await runGit(['am', '--abort'], { cwd: clone, allowFailure: true });
        rebuilt.status = 'does-not-apply';
        rebuilt.nodeIds = [];
        break;
      }
      const [sha, email] = (await runGit(['show', '--no-patch', `--format=%H${FIELD}%ae`, 'HEAD'], { cwd: clone })).stdout.trim().split(FIELD);
      const nodeId = `${mail.messageId}#${index + 1}`;
      commits.set(nodeId, { sha: sha!, email: email!, messageId: part.messageId, parentNode });
      rebuilt.nodeIds.push(nodeId);
      parentNode = nodeId;
    }
  }
  return { list, commits };
}

/** The newest upstream commit at which every file the patch touches has the blob the patch expects. */
export async function findBase(clone: string, raw: Buffer, upstreamNewestFirst: string[]): Promise<string | undefined> {
  const preimages = preimageBlobs(raw.toString('utf8'));
  if (preimages.length === 0) return upstreamNewestFirst[0];
  for (const commit of upstreamNewestFirst) {
    let matches = true;
    for (const { file, blob } of preimages) {
      const found = await runGit(['rev-parse', '--verify', '--quiet', `${commit}:${file}`], { cwd: clone, allowFailure: true });
      const absent = found.exitCode !== 0;
      if (/^0+$/.test(blob) ? !absent : absent || !found.stdout.trim().startsWith(blob)) {
        matches = false;
        break;
      }
    }
    if (matches) return commit;
  }
  return undefined;
}

/** "diff --git a/x b/x" followed by "index 1234abcd..5678ef90": the files a patch touches and their old blobs. */
export function preimageBlobs(text: string): Array<{ file: string; blob: string }> {
  const found: Array<{ file: string; blob: string }> = [];
  let file: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^diff --git a\/(\S+) b\/\S+$/.exec(line);
    if (header) {
      file = header[1];
      continue;
    }
    const index = /^index ([0-9a-f]+)\.\.[0-9a-f]+/.exec(line);
    if (index && file !== undefined) {
      found.push({ file, blob: index[1]! });
      file = undefined;
    }
  }
  return found;
}

async function patchIdOf(clone: string, sha: string): Promise<string | undefined> {
  const diff = await runGit(['diff-tree', '--patch', '--no-color', '--root', sha], { cwd: clone });
  if (diff.stdout.trim() === '') return undefined;
  const id = await runGit(['patch-id', '--stable'], { cwd: clone, input: diff.stdout });
  return id.stdout.trim().split(' ')[0] || undefined;
}

function firstParentChain(commits: Array<{ sha: string; parents: string[] }>): string[] {
  const bySha = new Map(commits.map((commit) => [commit.sha, commit]));
  const chain: string[] = [];
  let current = commits.at(-1);
  while (current) {
    chain.unshift(current.sha);
    current = current.parents[0] === undefined ? undefined : bySha.get(current.parents[0]);
  }
  return chain;
}
