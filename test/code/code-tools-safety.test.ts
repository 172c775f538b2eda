// Issue "agents that code", acceptances 1 and 2 through the agent's own tools, end to end: a scripted agent
// tries to leave its workspace with read_file/write_file/edit_file (a relative path, an absolute one, a
// symlink it planted) and to reach what the sandbox hides (credentials.json of the data directory, the API
// keys of mailswarm's environment, the post office's IMAP port), runs `sleep 600` into the time limit, and
// mails the human what each tool answered (ten mails: the guard rails' replies-per-thread budget is ten). It
// also plants git settings that would run a command outside the sandbox; they are undone. The last mail
// arriving shows agent and post office kept serving.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.ts';
import { domain, human, readHumanInbox, startCodeSwarm, submitAsHuman, type CodeSwarm } from './code-swarm-kit.ts';

const bwrapInstalled = existsSync('/usr/bin/bwrap');

function proberTurns(outside: string, facts: { dataDir: string; imapPort: number }): string {
  const probes: Array<[string, string, Record<string, string>]> = [
    ['link', 'run_command', { command: `ln -s ${outside} escape && echo linked` }],
    ['read-relative', 'read_file', { path: '../../../../../etc/passwd' }],
    ['read-absolute', 'read_file', { path: '/etc/passwd' }],
    ['write-symlink', 'write_file', { path: 'escape/target.txt', content: 'changed' }],
    ['edit-symlink', 'edit_file', { path: 'escape/target.txt', old_text: 'untouched', new_text: 'changed' }],
    ['credentials', 'run_command', { command: `cat ${path.join(facts.dataDir, 'credentials.json')} || echo NO-CREDENTIALS` }],
    ['keys', 'run_command', { command: 'echo "keys=$(env | grep -c API_KEY)"' }],
    ['imap', 'run_command', { command: `python3 -c "import socket; socket.create_connection(('127.0.0.1', ${facts.imapPort}), 2); print('CONNECTED')" || echo NO-CONNECTION; git log --oneline -1` }],
    ['git-config', 'run_command', { command: `git config filter.evil.clean "touch ${outside}/pwned" && git config core.pager "touch ${outside}/pwned" && echo configured` }],
    ['sleep', 'run_command', { command: 'sleep 600' }],
  ];
  const steps = probes.flatMap(([label, tool, args]) => [
    `      - - ${tool}: ${JSON.stringify(args)}`,
    `      - - reply: { body: ${JSON.stringify(`${label}: {{result.${tool}}}`)} }`,
  ]);
  return `turns:\n  - name: probe\n    when: { subject: "probe", from: human }\n    steps:\n${steps.join('\n')}\n`;
}

describe.skipIf(!bwrapInstalled)(`code tools stay inside the workspace and the sandbox${bwrapInstalled ? '' : ' (skipped: bubblewrap is not installed)'}`, () => {
  let code: CodeSwarm;
  let outside: string;
  const savedKey = process.env.ANTHROPIC_API_KEY;

  beforeAll(async () => {
    outside = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-outside-'));
    writeFileSync(path.join(outside, 'target.txt'), 'untouched\n');
    // Set while the swarm runs: nothing of mailswarm's environment may reach a sandboxed command.
    process.env.ANTHROPIC_API_KEY = 'sk-ant-must-not-leak';
    code = await startCodeSwarm({
      agents: [{ name: 'prober', turns: (facts) => proberTurns(outside, facts) }],
      files: { 'notes.txt': 'notes\n' },
      test: 'true',
      sandbox: { timeoutMs: 3_000 },
    });
  });

  afterAll(async () => {
    if (savedKey === undefined) delete process.env.ANTHROPIC_API_KEY;
    else process.env.ANTHROPIC_API_KEY = savedKey;
    await code?.stop();
    rmSync(outside, { recursive: true, force: true });
  });

  it('refuses paths outside the workspace and hides data, keys and the network from commands', async () => {
    await submitAsHuman(code.backend, `From: ${human.address}\r\nTo: prober@${domain}\r\nSubject: probe\r\nMessage-ID: <probe@${domain}>\r\n\r\nProbe.\r\n`, [`prober@${domain}`]);
    const answers = await waitFor(async () => {
      const texts = (await readHumanInbox(code.backend)).map((mail) => mail.parsed.text ?? '');
      const byLabel = new Map(texts.map((text) => [text.slice(0, text.indexOf(':')), text]));
      return byLabel.has('sleep') ? byLabel : undefined;
    }, { timeoutMs: 50_000, intervalMs: 200, what: "the prober's answers" });
    expect(answers.get('link')).toContain('linked');
    expect(answers.get('read-relative')).toMatch(/outside the workspace/);
    expect(answers.get('read-absolute')).toMatch(/absolute|outside the workspace/);
    expect(answers.get('write-symlink')).toMatch(/outside the workspace|symlink|symbolic link/);
    expect(answers.get('edit-symlink')).toMatch(/outside the workspace|symlink|symbolic link/);
    expect(readFileSync(path.join(outside, 'target.txt'), 'utf8')).toBe('untouched\n');
    expect(answers.get('credentials')).toContain('NO-CREDENTIALS');
    expect(answers.get('credentials')).not.toContain('prober-secret');
    expect(answers.get('keys')).toContain('keys=0');
    expect(answers.get('imap')).toContain('NO-CONNECTION');
    expect(answers.get('imap')).not.toContain('CONNECTED\n');
    expect(answers.get('git-config')).toContain('.git/config was changed by the command and has been restored');
    // git inside the sandbox still works after the restore (and sees the upstream's objects read-only).
    expect(answers.get('imap')).toContain('Import demo');
    expect(existsSync(path.join(outside, 'pwned'))).toBe(false);
    expect(answers.get('sleep')).toMatch(/wall-clock limit; every process it started was killed/);
  });
});
