// Issue "agents that code", acceptances 5 and 6: the examples/bugfix scenario end to end through `mailswarm
// up` with the scripted models (no keys): upstream's tests fail before and pass after, the fix came from a
// different agent than the bug, and every step is threaded mail in the human's INBOX. The run is recorded
// (--record); replaying it (--replay, fresh data directory) gives the same mail (Message-IDs, bodies) and the
// same upstream commits.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { upstreamLog, type UpstreamCommit } from '../../src/workspace/project-upstream.ts';
import { startCli, REPO, type RunningCli } from '../cli/run-cli.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { readHumanInbox, type InboxMail } from './code-swarm-kit.ts';

const config = path.join(REPO, 'examples', 'bugfix', 'mailswarm.yaml');
const taskId = '<bugfix-task-1@swarm.local>';
const noKeys = { ANTHROPIC_API_KEY: '', OPENAI_API_KEY: '', GOOGLE_API_KEY: '', GEMINI_API_KEY: '' };
const bwrapInstalled = existsSync('/usr/bin/bwrap');

interface PlayedRun {
  inbox: InboxMail[];
  commits: UpstreamCommit[];
  upstreamPath: string;
}

async function play(dataDir: string, extra: string[], onStart: (running: RunningCli) => void): Promise<PlayedRun> {
  const running = await startCli(['up', '--config', config, '--data', dataDir, '--imap-port', '0', '--submission-port', '0', '--smtp-port', '0', '--web-port', '0', ...extra], {
    env: { ...noKeys, MAILSWARM_LOG_FORMAT: 'json' },
    timeoutMs: 60_000,
  });
  onStart(running);
  try {
    // Said at start and in `mailswarm status` (the live view's /api/status): which projects, which sandbox.
    await waitFor(() => /Projects: stats \(upstream .*stats\.git\)\nsandbox: bubblewrap/.test(running.stdout()), { what: 'the Projects and Sandbox lines at start' });
    const liveView = /Live view\s+(http:\/\/\S+)/.exec(running.stdout())?.[1];
    const status = (await (await fetch(new URL('/api/status', liveView))).json()) as { code?: { projects: Array<{ name: string }>; sandbox: { available: boolean } } };
    expect(status.code?.projects.map((project) => project.name)).toEqual(['stats']);
    expect(status.code?.sandbox.available).toBe(true);
    const backend = { host: '127.0.0.1', imapPort: running.ports.imap, submissionPort: running.ports.submission };
    const inbox = await waitFor(
      async () => {
        const mails = await readHumanInbox(backend, { user: 'human@swarm.local', password: 'human' });
        return mails.some((mail) => mail.parsed.text?.includes('Applied to stats upstream')) ? mails : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, what: 'the maintainer\'s "Applied" mail in the human INBOX' },
    );
    const upstreamPath = path.join(dataDir, 'projects', 'stats.git');
    return { inbox, commits: await upstreamLog(upstreamPath), upstreamPath };
  } finally {
    await running.stop();
  }
}

function testsPass(upstreamPath: string, revision: string, scratch: string): boolean {
  const checkout = mkdtempSync(path.join(scratch, 'checkout-'));
  execFileSync('git', ['clone', '--quiet', upstreamPath, checkout]);
  execFileSync('git', ['checkout', '--quiet', revision], { cwd: checkout });
  return spawnSync(process.execPath, ['--test'], { cwd: checkout, encoding: 'utf8' }).status === 0;
}

describe.skipIf(!bwrapInstalled)(`examples/bugfix with the scripted models, recorded and replayed${bwrapInstalled ? '' : ' (skipped: bubblewrap is not installed)'}`, () => {
  let scratch: string;
  let recorded: PlayedRun;
  let current: RunningCli | undefined;

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-bugfix-'));
  });

  afterAll(async () => {
    await current?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('plays the whole scenario as threaded mail: the reviewer fixes the builder\'s broken patch and the maintainer applies it', async () => {
    onTestFailed(() => console.error(`mailswarm up stderr (tail):\n${current?.stderr().slice(-8000)}`));
    recorded = await play(path.join(scratch, 'recorded'), ['--record', path.join(scratch, 'recording')], (running) => (current = running));
    const mails = recorded.inbox.map((mail) => mail.parsed);
    for (const mail of mails) {
      const references = Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : [];
      expect([...references, mail.inReplyTo], `${mail.subject} is in the task's thread`).toContain(taskId);
    }
    const agentOf = (mail: (typeof mails)[number]) => mail.headers.get('x-mailswarm-agent');
    const patchV1 = mails.find((mail) => /^\[PATCH\] /.test(mail.subject ?? ''))!;
    const report = mails.find((mail) => mail.text?.includes('Your patch breaks the tests'))!;
    const patchV2 = mails.find((mail) => /^\[PATCH v2\] /.test(mail.subject ?? ''))!;
    const review = mails.find((mail) => mail.text?.includes('Reviewed-by: Builder (Claude)'))!;
    const tested = mails.find((mail) => mail.text?.includes('Tested-by: Tester (Gemini)'))!;
    const applied = mails.find((mail) => mail.text?.includes('Applied to stats upstream'))!;
    expect([patchV1, report, patchV2, review, tested, applied].map(agentOf)).toEqual(['builder', 'tester', 'reviewer', 'builder', 'tester', 'maintainer']);
    expect(report.text).toMatch(/FAILED/);
    expect(report.text).toContain('median sorts numerically, not as text');
    expect(report.inReplyTo).toBe(patchV1.messageId);
    expect(patchV2.inReplyTo).toBe(report.messageId);
    expect(tested.text).toMatch(/PASSED/);

    const [fix, imported] = [recorded.commits[0]!, recorded.commits.at(-1)!];
    expect(recorded.commits).toHaveLength(2);
    expect(fix.authorEmail).toBe('reviewer@swarm.local');
    expect(patchV1.from?.value[0]?.address).toBe('builder@swarm.local');
    expect(fix.body).toContain('Reviewed-by: Builder (Claude) <builder@swarm.local>');
    expect(fix.body).toContain('Tested-by: Tester (Gemini) <tester@swarm.local>');
    expect(applied.text).toContain(fix.sha.slice(0, 12));
    expect(testsPass(recorded.upstreamPath, imported.sha, scratch)).toBe(false);
    expect(testsPass(recorded.upstreamPath, fix.sha, scratch)).toBe(true);
  });

  it('replays the recorded run to the same mail and the same upstream commits', async () => {
    expect(recorded, 'the recorded run').toBeDefined();
    onTestFailed(() => console.error(`mailswarm up --replay stderr (tail):\n${current?.stderr().slice(-8000)}`));
    const replayed = await play(path.join(scratch, 'replayed'), ['--replay', path.join(scratch, 'recording')], (running) => (current = running));
    const summary = (run: PlayedRun) => run.inbox.map((mail) => `${mail.parsed.messageId}\n${mail.parsed.text}`).sort();
    expect(summary(replayed)).toEqual(summary(recorded));
    expect(replayed.commits.map((commit) => commit.sha)).toEqual(recorded.commits.map((commit) => commit.sha));
  });
});
