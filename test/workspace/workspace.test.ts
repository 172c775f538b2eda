// A workspace: a cheap --shared clone with the agent's identity, its file tools (list, read, search, write,
// edit, diff) and commits (author = committer = the agent, signed off).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureUpstream } from '../../src/workspace/project-upstream.ts';
import { Workspace, WorkspaceToolError } from '../../src/workspace/workspace.ts';
import { AGENT, makeUserRepository, numberedLines, systemGit, TempDirs } from './workspace-fixtures.ts';

const temp = new TempDirs();
let base: string;
let upstreamPath: string;
let workspacePath: string;

beforeEach(async () => {
  base = temp.make();
  upstreamPath = path.join(base, 'projects', 'demo.git');
  workspacePath = path.join(base, 'workspaces', 'builder', 'demo');
  await ensureUpstream({ sourcePath: makeUserRepository(base), upstreamPath });
});
afterEach(() => temp.removeAll());

const open = (): Promise<Workspace> => Workspace.open({ upstreamPath, path: workspacePath, author: AGENT, commitDates: 'logical' });

describe('Workspace.open', () => {
  it('clones through alternates: the workspace stores no objects of its own', async () => {
    const workspace = await open();
    expect(workspace.branch).toBe('main');
    expect(workspace.root).toBe(fs.realpathSync(workspacePath));
    const alternates = fs.readFileSync(path.join(workspacePath, '.git', 'objects', 'info', 'alternates'), 'utf8').trim();
    expect(fs.realpathSync(alternates)).toBe(fs.realpathSync(path.join(upstreamPath, 'objects')));
    const counts = systemGit(['count-objects', '-v'], workspacePath);
    expect(counts).toMatch(/^count: 0$/m);
    expect(counts).toMatch(/^packs: 0$/m);
    expect(fs.readFileSync(path.join(workspacePath, 'src', 'parse.ts'), 'utf8')).toBe(numberedLines(10));
    expect(systemGit(['config', 'user.name'], workspacePath).trim()).toBe(AGENT.name);
    expect(systemGit(['config', 'user.email'], workspacePath).trim()).toBe(AGENT.email);
    // Nothing but the workspace itself appears (no staging directory left behind).
    expect(fs.readdirSync(path.dirname(workspacePath))).toEqual(['demo']);
  });

  it('reopens an existing workspace without cloning again, keeping its work', async () => {
    const first = await open();
    await first.writeFile('wip.txt', 'work in progress\n');
    const again = await Workspace.open({ upstreamPath, path: workspacePath, author: { name: 'Renamed', email: 'renamed@swarm.local' }, commitDates: 'wall' });
    expect(again.root).toBe(first.root);
    expect(fs.readFileSync(path.join(workspacePath, 'wip.txt'), 'utf8')).toBe('work in progress\n');
    expect(systemGit(['config', 'user.name'], workspacePath).trim()).toBe('Renamed');
  });

  it('clones into an empty directory made ahead', async () => {
    fs.mkdirSync(workspacePath, { recursive: true });
    const workspace = await open();
    expect(await workspace.listFiles('src')).toBe('src/parse.ts');
  });

  it('refuses a directory that is not a work tree', async () => {
    fs.mkdirSync(workspacePath, { recursive: true });
    fs.writeFileSync(path.join(workspacePath, 'stray.txt'), 'x');
    await expect(open()).rejects.toThrow('exists but is not a git work tree');
  });
});

describe('file tools', () => {
  it('lists tracked and untracked files, not ignored or deleted ones', async () => {
    const workspace = await open();
    await workspace.writeFile('src/new.ts', 'export const x = 1;\n');
    await workspace.writeFile('build/out.js', 'ignored\n');
    fs.rmSync(path.join(workspace.root, 'README.md'));
    expect(await workspace.listFiles()).toBe('.gitignore\nsrc/new.ts\nsrc/parse.ts');
    expect(await workspace.listFiles('src')).toBe('src/new.ts\nsrc/parse.ts');
    await expect(workspace.listFiles('nowhere')).rejects.toThrow('path "nowhere" does not exist in the workspace');
  });

  it('reads whole files and line ranges with a header', async () => {
    const workspace = await open();
    expect(await workspace.readFile('README.md')).toBe('README.md (lines 1-1 of 1)\n# demo');
    expect(await workspace.readFile('src/parse.ts', 3, 4)).toBe('src/parse.ts (lines 3-4 of 10)\nline 3\nline 4');
    expect(await workspace.readFile('src/parse.ts', 9, 50)).toBe('src/parse.ts (lines 9-10 of 10)\nline 9\nline 10');
    await expect(workspace.readFile('src/parse.ts', 11)).rejects.toThrow('src/parse.ts has 10 lines; startLine 11 is past its end');
    await expect(workspace.readFile('src')).rejects.toThrow('src is a directory');
    await workspace.writeFile('empty.txt', '');
    expect(await workspace.readFile('empty.txt')).toBe('empty.txt (empty file)');
    fs.writeFileSync(path.join(workspace.root, 'blob.bin'), Buffer.from([0, 1, 2, 3]));
    expect(await workspace.readFile('blob.bin')).toBe('blob.bin is a binary file (4 bytes); not shown');
  });

  it('caps long files with a note saying how to read on', async () => {
    const workspace = await open();
    await workspace.writeFile('long.txt', numberedLines(2500));
    const text = await workspace.readFile('long.txt');
    expect(text.split('\n')[0]).toBe('long.txt (lines 1-2000 of 2500)');
    expect(text.endsWith('[cut at line 2000; read again with startLine=2001 for more]')).toBe(true);
  });

  it('searches tracked and untracked files with extended regular expressions', async () => {
    const workspace = await open();
    await workspace.writeFile('notes.md', 'see line 7 of the parser\n');
    expect(await workspace.searchCode('line (7|9)$')).toBe('src/parse.ts:7:line 7\nsrc/parse.ts:9:line 9');
    expect(await workspace.searchCode('of the')).toBe('notes.md:1:see line 7 of the parser');
    expect(await workspace.searchCode('no such text')).toBe('no match for /no such text/');
    await expect(workspace.searchCode('(unclosed')).rejects.toThrow(WorkspaceToolError);
  });

  it('edits exactly one match and explains zero or several', async () => {
    const workspace = await open();
    await expect(workspace.editFile('src/parse.ts', 'line 42', 'x')).rejects.toThrow(
      'oldText was not found in src/parse.ts; it must match the file exactly, including whitespace and indentation',
    );
    await expect(workspace.editFile('src/parse.ts', 'line 1', 'x')).rejects.toThrow(
      'oldText was found 2 times in src/parse.ts (at lines 1, 10); include more surrounding text so it matches exactly once',
    );
    await expect(workspace.editFile('src/parse.ts', 'line 1', 'x')).rejects.toBeInstanceOf(WorkspaceToolError);
    expect(await workspace.editFile('src/parse.ts', 'line 10\n', 'line ten\nline eleven\n')).toBe('edited src/parse.ts at line 10: replaced 1 line with 2 lines');
    expect(fs.readFileSync(path.join(workspace.root, 'src', 'parse.ts'), 'utf8')).toBe(`${numberedLines(9)}line ten\nline eleven\n`);
  });

  it('says when a file is in the way of a write', async () => {
    const workspace = await open();
    await expect(workspace.writeFile('README.md/inner.txt', 'x')).rejects.toThrow('cannot write README.md/inner.txt: a file or directory is in the way');
    await expect(workspace.writeFile('src', 'x')).rejects.toThrow('src is a directory; give a file path');
  });

  it('keeps the mode of a file it rewrites', async () => {
    const workspace = await open();
    const script = path.join(workspace.root, 'run.sh');
    fs.writeFileSync(script, '#!/bin/sh\necho hi\n', { mode: 0o755 });
    await workspace.editFile('run.sh', 'hi', 'hello');
    expect(fs.statSync(script).mode & 0o777).toBe(0o755);
  });

  it('diffs unstaged changes with untracked files as new files, and staged changes on request', async () => {
    const workspace = await open();
    expect(await workspace.diff()).toBe('no uncommitted changes');
    await workspace.editFile('README.md', '# demo', '# demo project');
    await workspace.writeFile('src/added.ts', 'export {};\n');
    const unstaged = await workspace.diff();
    expect(unstaged).toContain('diff --git a/README.md b/README.md');
    expect(unstaged).toContain('+# demo project');
    expect(unstaged).toContain('diff --git a/src/added.ts b/src/added.ts\nnew file mode 100644');
    expect(unstaged).toContain('+export {};');
    // The real index is untouched: the new file is still untracked.
    expect(systemGit(['status', '--porcelain'], workspace.root)).toBe(' M README.md\n?? src/added.ts\n');
    expect(await workspace.diff({ staged: true })).toBe('no staged changes');
    systemGit(['add', 'README.md'], workspace.root);
    expect(await workspace.diff({ staged: true })).toContain('+# demo project');
  });
});

describe('commit', () => {
  it('commits everything as the agent (author and committer) with a Signed-off-by', async () => {
    const workspace = await open();
    await workspace.editFile('src/parse.ts', 'line 3\n', 'line three\n');
    await workspace.writeFile('docs/parse.md', 'How parsing works.\n');
    const commit = await workspace.commit('Parse the third line by name\n\nThe parser reads "three" now.\n');
    expect(commit.subject).toBe('Parse the third line by name');
    expect(systemGit(['rev-parse', 'HEAD'], workspace.root).trim()).toBe(commit.sha);
    const identity = systemGit(['show', '--no-patch', '--format=%an <%ae>|%cn <%ce>', 'HEAD'], workspace.root).trim();
    expect(identity).toBe(`${AGENT.name} <${AGENT.email}>|${AGENT.name} <${AGENT.email}>`);
    expect(systemGit(['show', '--no-patch', '--format=%B', 'HEAD'], workspace.root)).toBe(
      `Parse the third line by name\n\nThe parser reads "three" now.\n\nSigned-off-by: ${AGENT.name} <${AGENT.email}>\n\n`,
    );
    expect(systemGit(['status', '--porcelain'], workspace.root)).toBe('');
    expect(await workspace.commitsSinceUpstream()).toEqual([{ sha: commit.sha, subject: commit.subject, authorName: AGENT.name, authorEmail: AGENT.email }]);
  });

  it('dates logical commits one minute after their parent', async () => {
    const workspace = await open();
    await workspace.writeFile('a.txt', 'a\n');
    await workspace.commit('Add a');
    const [parentTime, authorTime, committerTime] = systemGit(['show', '--no-patch', '--format=%ct', 'HEAD~1'], workspace.root)
      .trim()
      .split(' ')
      .concat(systemGit(['show', '--no-patch', '--format=%at %ct', 'HEAD'], workspace.root).trim().split(' '))
      .map(Number);
    expect(authorTime).toBe(parentTime! + 60);
    expect(committerTime).toBe(parentTime! + 60);
  });

  it('says when there is nothing to commit or no message', async () => {
    const workspace = await open();
    await expect(workspace.commit('Nothing')).rejects.toThrow('nothing to commit: the workspace has no changes since the last commit');
    await workspace.writeFile('a.txt', 'a\n');
    await expect(workspace.commit('  \n')).rejects.toThrow('the commit message is empty');
  });
});
