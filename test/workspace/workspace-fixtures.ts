// Shared set-up for the workspace tests: temporary directories, a "user" repository made with the system
// git (fixed dates, so its shas never change), the system git as an independent peer, and a tiny mail
// layer stand-in that turns patch parts into raw messages and an mbox the way src/swarm/ would (From, To,
// Subject, Date, Message-ID, git's MIME headers, patchBodyForSender's body, CRLF).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { patchBodyForSender, type PatchMailPart } from '../../src/workspace/patch-series.ts';
import { ensureUpstream } from '../../src/workspace/project-upstream.ts';
import { Workspace } from '../../src/workspace/workspace.ts';

export const AGENT = { name: 'Ada Builder', email: 'builder@swarm.local' };
export const OTHER_AGENT = { name: 'Bo Tester', email: 'tester@swarm.local' };
export const MAINTAINER = { name: 'Mae Maintainer', email: 'maintainer@swarm.local' };
const USER = { name: 'Uma User', email: 'uma@example.com' };
/** 2024-01-01T00:00:00Z: the user's commits are dated from here, one minute apart. */
const USER_EPOCH = 1_704_067_200;

export class TempDirs {
  private readonly made: string[] = [];

  make(prefix = 'mailswarm-workspace-test-'): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.made.push(dir);
    return dir;
  }

  removeAll(): void {
    for (const dir of this.made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The machine's git with no user config, as a peer independent of src/workspace/git-runner.ts. */
export function systemGit(args: string[], cwd: string, env: Record<string, string> = {}): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LANG: 'C', TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Commits `files` (path → content) in `repo` as the user, at a fixed date. */
export function userCommit(repo: string, files: Record<string, string>, message: string, step: number): string {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), content);
  }
  const date = `@${USER_EPOCH + step * 60} +0000`;
  const identity = { GIT_AUTHOR_NAME: USER.name, GIT_AUTHOR_EMAIL: USER.email, GIT_COMMITTER_NAME: USER.name, GIT_COMMITTER_EMAIL: USER.email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  systemGit(['add', '--all'], repo);
  systemGit(['commit', '--quiet', '-m', message], repo, identity);
  return systemGit(['rev-parse', 'HEAD'], repo).trim();
}

/** A user repository on branch main with two commits: README.md and src/parse.ts (10 numbered lines). */
export function makeUserRepository(parent: string, name = 'user-repo'): string {
  const repo = path.join(parent, name);
  fs.mkdirSync(repo, { recursive: true });
  systemGit(['init', '--quiet', '--initial-branch=main'], repo);
  userCommit(repo, { 'README.md': '# demo\n', '.gitignore': 'build/\n' }, 'Initial commit', 0);
  userCommit(repo, { 'src/parse.ts': numberedLines(10) }, 'Add the parser', 1);
  return repo;
}

export function numberedLines(count: number, label = 'line'): string {
  return Array.from({ length: count }, (_, index) => `${label} ${index + 1}\n`).join('');
}

/** Commits a change to the upstream's branch from a throw-away clone, as another maintainer would. */
export function pushToUpstream(upstreamPath: string, scratchParent: string, files: Record<string, string>, message: string, step: number): string {
  const clone = fs.mkdtempSync(path.join(scratchParent, 'pusher-'));
  systemGit(['clone', '--quiet', upstreamPath, clone], scratchParent);
  const sha = userCommit(clone, files, message, step);
  systemGit(['push', '--quiet', 'origin', 'HEAD:main'], clone);
  fs.rmSync(clone, { recursive: true, force: true });
  return sha;
}

export interface MailEnvelope {
  sender: { name: string; email: string };
  messageId: string;
  inReplyTo?: string;
}

/** One patch part as a raw RFC 5322 message with CRLF line ends, as IMAP would hand it over. */
export function rawPatchMail(part: PatchMailPart, envelope: MailEnvelope): Buffer {
  const headers: Array<[string, string]> = [
    ['From', `${envelope.sender.name} <${envelope.sender.email}>`],
    ['To', 'team@swarm.local'],
    ['Subject', encodeHeader(part.subject)],
    ['Date', part.date],
    ['Message-ID', `<${envelope.messageId}>`],
    ...(envelope.inReplyTo ? ([['In-Reply-To', `<${envelope.inReplyTo}>`], ['References', `<${envelope.inReplyTo}>`]] as Array<[string, string]>) : []),
    ...part.headers,
  ];
  const head = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return Buffer.from(`${head}\r\n${patchBodyForSender(part, envelope.sender).replace(/\n/g, '\r\n')}`, 'utf8');
}

/** The parts as one mbox (cover letter first, patches in reply to it). */
export function mbox(parts: PatchMailPart[], sender: { name: string; email: string }): Buffer {
  const coverId = parts[0]?.kind === 'cover' ? 'series-0@swarm.local' : undefined;
  const messages = parts.map((part) =>
    rawPatchMail(part, { sender, messageId: `series-${part.index}@swarm.local`, ...(part.kind === 'patch' && coverId ? { inReplyTo: coverId } : {}) }),
  );
  return Buffer.concat(messages.map((message) => Buffer.concat([Buffer.from('From mailswarm Thu Jan  1 00:00:00 1970\r\n'), message, Buffer.from('\r\n')])));
}

/** RFC 2047 B-encoding for a non-ASCII header value (what a mail library does). */
function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** Files and their contents/mtimes under `dir` (recursively), to prove nothing there changed. */
export function snapshot(dir: string): Record<string, { content: string; mtimeMs: number }> {
  const result: Record<string, { content: string; mtimeMs: number }> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const stats = fs.lstatSync(full);
    result[path.relative(dir, full)] = { content: stats.isFile() ? fs.readFileSync(full, 'utf8') : '', mtimeMs: stats.mtimeMs };
  }
  return result;
}

/** A fresh folder with a user repository, its upstream (projects/demo.git) and the builder's workspace of it. */
export async function openDemoWorkspace(temp: TempDirs): Promise<{ base: string; upstreamPath: string; workspace: Workspace }> {
  const base = temp.make();
  const upstreamPath = path.join(base, 'projects', 'demo.git');
  await ensureUpstream({ sourcePath: makeUserRepository(base), upstreamPath });
  const workspace = await Workspace.open({ upstreamPath, path: path.join(base, 'workspaces', 'builder', 'demo'), author: AGENT, commitDates: 'logical' });
  return { base, upstreamPath, workspace };
}
