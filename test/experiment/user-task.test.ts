// Issue 14, acceptance 5: a suite written by a user in the documented format (experiments/README.md), not
// from the starter suite, runs without code changes: its own team of two (a developer who is also the
// maintainer, and a QA agent), its own pipeline order, a shell-script project with TAP-printing tests, and
// scripted turns for keyless runs. All four conditions solve it; the report names the suite. Also: the free
// schedule, a run stopped by its token budget, and the refusal to spend money past --budget-usd.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentResults } from '../../src/experiment/experiment-results.ts';
import { runExperimentCli } from './experiment-cli.ts';

const bwrapInstalled = existsSync('/usr/bin/bwrap');

function write(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
}

describe.skipIf(!bwrapInstalled)('a user-added suite and task (skipped: bubblewrap is not installed)', { timeout: 300_000 }, () => {
  let scratch: string;
  let suiteFiles: Record<string, string>;

  beforeAll(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-user-suite-'));
    suiteFiles = {
      'suite.yaml': 'name: shouting\ndescription: A user suite with a team of two.\npipeline: [dev, qa]\nrounds: 2\n',
      'agents/dev.md': '---\nname: dev\nmodel: openai:gpt-9\nrole: Develops and lands changes.\nmaintainer: true\nmaxToolStepsPerTurn: 20\n---\nYou develop the project; you also apply tested patches to upstream.\n',
      'agents/qa.md': '---\nname: qa\nmodel: gemini:gemini-9-pro\nrole: Tests every patch it is sent.\n---\nYou test the patches you are sent and answer with Tested-by when they pass.\n',
      'shout/task.yaml': [
        'title: shout.sh must shout',
        'to: dev',
        'subject: shout.sh does not shout',
        'body: |',
        '  sh shout.sh hello prints "hello"; it must print "HELLO!".',
        'test: sh test.sh',
        'grade: sh hidden_test.sh',
        'timeout: 120',
        'max_tokens: 100000',
        'kind: seeded-bug',
        'language: shell',
        '',
      ].join('\n'),
      'shout/repo/shout.sh': 'echo "$1"\n',
      'shout/repo/test.sh': 'out=$(sh shout.sh hello)\nif [ "$out" = "HELLO!" ]; then echo "ok - shouts"; else echo "not ok - shouts"; exit 1; fi\n',
      'shout/hidden/hidden_test.sh': 'status=0\nfor word in abc "two words"; do\n  expected="$(echo "$word" | tr a-z A-Z)!"\n  if [ "$(sh shout.sh "$word")" = "$expected" ]; then echo "ok - $word"; else echo "not ok - $word"; status=1; fi\ndone\nexit $status\n',
      'shout/turns/dev.yaml': [
        'turns:',
        '  - name: make it shout',
        '    when: { from: human }',
        '    steps:',
        '      - - write_file: { path: shout.sh, content: "echo \\"$1\\" | tr a-z A-Z | sed \'s/$/!/\'\\n" }',
        '      - - commit: { message: "shout: upper case and an exclamation mark\\n" }',
        '      - - send_patch: { to: [qa], in_reply_to: "{{mail.message_id}}" }',
        '  - name: land the tested patch',
        '    when: { from: qa, body: "Tested-by:" }',
        '    find: { body: "Signed-off-by:" }',
        '    steps:',
        '      - - apply_patch: { message_id: "{{found.message_id}}", upstream: true }',
        '',
      ].join('\n'),
      'shout/turns/qa.yaml': [
        'turns:',
        '  - name: test it',
        '    when: { subject: "[PATCH", body: "Signed-off-by:" }',
        '    steps:',
        '      - - apply_patch: { message_id: "{{mail.message_id}}" }',
        '      - - run_tests: {}',
        '      - - reply: { in_reply_to: "{{mail.message_id}}", to: [dev], body: "Works.\\n\\nTested-by: qa <qa@swarm.local>" }',
        '      - - run_command: { command: "git reset --quiet --hard @{upstream}" }',
        '',
      ].join('\n'),
    };
    // The same task once more, with a token budget that the first turn already uses up.
    const budgetTask = Object.entries(suiteFiles)
      .filter(([name]) => name.startsWith('shout/'))
      .map(([name, content]): [string, string] => [name.replace(/^shout\//, 'shout-tight/'), name === 'shout/task.yaml' ? content.replace('max_tokens: 100000', 'max_tokens: 500') : content]);
    write(path.join(scratch, 'shouting'), { ...suiteFiles, ...Object.fromEntries(budgetTask) });
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('runs under all four conditions without code changes, and is solved in each', async () => {
    const out = path.join(scratch, 'out');
    const run = await runExperimentCli(['run', path.join(scratch, 'shouting'), '--tasks', 'shout', '--out', out, '--jobs', '4'], 240_000);
    expect(run.status, `${run.stdout}\n${run.stderr.slice(-4000)}`).toBe(0);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ExperimentResults;
    expect(results.suite.name).toBe('shouting');
    expect(results.runs.map((result) => [result.id, result.end, result.solved])).toEqual([
      ['shout--email-cc--1', 'quiet', true],
      ['shout--email-direct--1', 'quiet', true],
      ['shout--pipeline--1', 'quiet', true],
      ['shout--single--1', 'quiet', true],
    ]);
    expect(results.runs[0]!.models.dev).toMatchObject({ model: 'scripted:../shout/turns/dev.yaml', vendor: 'scripted' });
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('mailswarm experiment: shouting');
  });

  it('runs with the free schedule, and stops a run at its token budget', async () => {
    const out = path.join(scratch, 'free');
    const run = await runExperimentCli(['run', path.join(scratch, 'shouting'), '--schedule', 'free', '--conditions', 'email-cc,pipeline', '--out', out, '--jobs', '4'], 240_000);
    expect(run.status, `${run.stdout}\n${run.stderr.slice(-4000)}`).toBe(0);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ExperimentResults;
    expect(results.runs.map((result) => [result.id, result.end, result.solved])).toEqual([
      ['shout--email-cc--1', 'quiet', true],
      ['shout--pipeline--1', 'quiet', true],
      ['shout-tight--email-cc--1', 'token-budget', false],
      ['shout-tight--pipeline--1', 'token-budget', false],
    ]);
    expect(results.runs[2]!.turns).toBe(1);
  });

  it('refuses to spend money without a budget, and past one', async () => {
    // A key makes the vendor model real (no call is made: the estimate stops the run before anything starts).
    const withKey = { ANTHROPIC_API_KEY: 'sk-test-not-used' };
    const noBudget = await runExperimentCli(['run', path.join(scratch, 'shouting'), '--out', path.join(scratch, 'paid'), '--model', 'dev=anthropic:claude-opus-9', '--conditions', 'single'], 60_000, withKey);
    expect(noBudget.status).toBe(2);
    expect(noBudget.stderr).toMatch(/may cost up to \$\d+\.\d\d \(anthropic:claude-opus-9\): pass --budget-usd/);
    const overBudget = await runExperimentCli(['run', path.join(scratch, 'shouting'), '--out', path.join(scratch, 'paid'), '--model', 'dev=anthropic:claude-opus-9', '--conditions', 'single', '--budget-usd', '0.5'], 60_000, withKey);
    expect(overBudget.status).toBe(2);
    expect(overBudget.stderr).toMatch(/more than --budget-usd 0\.5/);
    expect(existsSync(path.join(scratch, 'paid', 'runs'))).toBe(false);
  });
});
