// Path safety: the file tools refuse paths that leave the workspace (.., absolute, symbolic links pointing
// out, dangling or not) and writes into .git/, and nothing outside the workspace changes when they do.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveWorkspacePath, WorkspacePathError } from '../../src/workspace/path-safety.ts';
import { ensureUpstream } from '../../src/workspace/project-upstream.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { AGENT, makeUserRepository, snapshot, TempDirs } from './workspace-fixtures.ts';

const temp = new TempDirs();
let workspace: Workspace;
let outside: string;

beforeAll(async () => {
  const base = temp.make();
  const upstreamPath = path.join(base, 'projects', 'demo.git');
  await ensureUpstream({ sourcePath: makeUserRepository(base), upstreamPath });
  workspace = await Workspace.open({ upstreamPath, path: path.join(base, 'workspaces', 'builder', 'demo'), author: AGENT, commitDates: 'logical' });
  // "x" sits next to the workspace, so "../x" from the workspace root names it.
  outside = path.join(path.dirname(workspace.root), 'x');
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret\n');
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(workspace.root, 'link-to-secret'));
  fs.symlinkSync('../x', path.join(workspace.root, 'link-to-dir'));
  fs.symlinkSync(path.join(outside, 'not-yet.txt'), path.join(workspace.root, 'dangling'));
  fs.mkdirSync(path.join(workspace.root, 'inner'));
  fs.symlinkSync('../src', path.join(workspace.root, 'inner', 'src-link'));
});

afterAll(() => temp.removeAll());

describe('the file tools refuse paths outside the workspace', () => {
  const escapes = ['../x/secret.txt', '../x', '/etc/passwd', 'link-to-secret', 'link-to-dir/secret.txt', 'dangling', 'src/../../x/secret.txt', 'inner/src-link/../../../x/secret.txt'];

  it.each(escapes)('read, write and edit refuse %s and change nothing outside', async (escape) => {
    const before = snapshot(outside);
    const passwd = fs.statSync('/etc/passwd');
    await expect(workspace.readFile(escape)).rejects.toThrow(WorkspacePathError);
    await expect(workspace.writeFile(escape, 'pwned\n')).rejects.toThrow(WorkspacePathError);
    await expect(workspace.editFile(escape, 'secret', 'pwned')).rejects.toThrow(WorkspacePathError);
    await expect(workspace.listFiles(escape)).rejects.toThrow(WorkspacePathError);
    expect(snapshot(outside)).toEqual(before);
    expect(fs.statSync('/etc/passwd').mtimeMs).toBe(passwd.mtimeMs);
    expect(fs.existsSync(path.join(outside, 'not-yet.txt'))).toBe(false);
  });

  it('says what is wrong in words a model can act on', async () => {
    await expect(workspace.readFile('../x')).rejects.toThrow('path "../x" is outside the workspace');
    await expect(workspace.writeFile('/etc/passwd', '')).rejects.toThrow('path "/etc/passwd" is absolute; give a path relative to the workspace root');
    await expect(workspace.readFile('link-to-secret')).rejects.toThrow(/"link-to-secret" is a symbolic link to ".*secret.txt"/);
  });
});

describe('resolveWorkspacePath', () => {
  it('follows links that stay inside and returns a path without links', () => {
    const resolved = resolveWorkspacePath(workspace.root, 'inner/src-link/parse.ts', { mustExist: true });
    expect(resolved).toBe(path.join(workspace.root, 'src', 'parse.ts'));
    expect(resolveWorkspacePath(workspace.root, 'src/./new/deeper.ts')).toBe(path.join(workspace.root, 'src', 'new', 'deeper.ts'));
    expect(resolveWorkspacePath(workspace.root, '.')).toBe(workspace.root);
  });

  it('refuses missing paths only when told they must exist', () => {
    expect(() => resolveWorkspacePath(workspace.root, 'nope.ts', { mustExist: true })).toThrow('path "nope.ts" does not exist in the workspace');
    expect(resolveWorkspacePath(workspace.root, 'nope.ts')).toBe(path.join(workspace.root, 'nope.ts'));
  });

  it('refuses writing into .git/ but allows reading it', () => {
    expect(() => resolveWorkspacePath(workspace.root, '.git/config', { forWrite: true })).toThrow('is inside .git/');
    expect(() => resolveWorkspacePath(workspace.root, '.git/hooks/pre-commit', { forWrite: true })).toThrow('is inside .git/');
    expect(resolveWorkspacePath(workspace.root, '.git/HEAD', { mustExist: true })).toBe(path.join(workspace.root, '.git', 'HEAD'));
  });

  it('ends a loop of links with an error', () => {
    fs.symlinkSync('loop-b', path.join(workspace.root, 'loop-a'));
    fs.symlinkSync('loop-a', path.join(workspace.root, 'loop-b'));
    expect(() => resolveWorkspacePath(workspace.root, 'loop-a/file')).toThrow('more than 40 symbolic links');
  });

  it('writes through the tools land inside and hooks cannot be planted', async () => {
    await expect(workspace.writeFile('.git/hooks/post-commit', '#!/bin/sh\ntouch /tmp/pwned\n')).rejects.toThrow(WorkspacePathError);
    expect(await workspace.writeFile('inner/src-link/extra.ts', 'export {};\n')).toBe('created src/extra.ts (1 line, 11 bytes)');
    expect(fs.readFileSync(path.join(workspace.root, 'src', 'extra.ts'), 'utf8')).toBe('export {};\n');
  });
});
