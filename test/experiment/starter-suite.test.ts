// Issue 14, acceptances 1, 3 and 4: the starter suite end to end through `mailswarm experiment run` with the
// scripted models (no keys), all four conditions, one repeat. Each task's scripted story must be counted
// as written (solved where it should be, peer corrections prompted or unprompted, held mail); a second run
// gives the same results.json apart from timings; a recorded run replays to the same result; report.html
// opens in headless Chromium without console errors and shows the four conditions.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentResults } from '../../src/experiment/experiment-results.ts';
import { REPO } from '../cli/run-cli.ts';
import { runExperimentCli } from './experiment-cli.ts';

const suite = path.join(REPO, 'experiments', 'suites', 'bugs');
const bwrapInstalled = existsSync('/usr/bin/bwrap');
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts/experiment');
const conditions = ['email-cc', 'email-direct', 'pipeline', 'single'];

/** What each task's scripts make happen, per condition: S solved, - not solved. */
const expectedSolved: Record<string, string> = {
  'js-clamp': 'SSSS',
  'js-median': 'SSSS',
  'js-price-api': 'SSSS',
  'js-slugify': 'S-S-',
  'py-csv-delimiter': 'SSS-',
  'py-duration': '----',
  'py-flaky-tags': 'SSSS',
  'py-word-count': 'SSS-',
};

function readResults(dir: string): ExperimentResults {
  return JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as ExperimentResults;
}

/** results.json without the one thing that may differ between identical runs: the runs' wall time. */
function withoutTimings(results: ExperimentResults): unknown {
  return { ...results, runs: results.runs.map((run) => ({ ...run, wallSeconds: undefined })) };
}

describe.skipIf(!bwrapInstalled)('mailswarm experiment run on the starter suite, scripted (skipped: bubblewrap is not installed)', { timeout: 900_000 }, () => {
  let scratch: string;
  let first: ExperimentResults;

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-experiment-'));
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('runs every task under the four conditions and counts each scripted story as written', async () => {
    const out = path.join(scratch, 'first');
    const run = await runExperimentCli(['run', suite, '--out', out, '--jobs', '4'], 600_000);
    expect(run.status, run.stderr.slice(-4000)).toBe(0);
    expect(run.stderr).toMatch(/Cost estimate: at most \$0\.00 \(no paid model/);
    expect(run.stdout).toMatch(/24 of 32 runs solved/);
    first = readResults(out);
    expect(first.conditions).toEqual(conditions);
    expect(first.runs).toHaveLength(32);
    expect(first.runs.filter((result) => result.end !== 'quiet')).toEqual([]);
    const solved = Object.fromEntries(first.tasks.map((task) => [task.task, conditions.map((condition) => (task.cells[condition]!.solved === 1 ? 'S' : '-')).join('')]));
    expect(solved).toEqual(expectedSolved);

    const result = (id: string) => first.runs.find((candidate) => candidate.id === id)!;
    // The reviewer sees the builder's failing report only when the team is copied: an unprompted peer fix.
    expect(result('js-slugify--email-cc--1').peerCorrections).toMatchObject({ peer: 1, peerUnprompted: 1, peerPrompted: 0 });
    expect(result('js-slugify--email-cc--1').corrections[0]).toMatchObject({ introducedBy: 'builder', fixedBy: 'reviewer', kind: 'peer', prompted: false });
    expect(result('js-slugify--email-direct--1').peerCorrections).toMatchObject({ peer: 0, breakages: 1, unfixedBreakages: 1 });
    expect(result('js-slugify--pipeline--1').peerCorrections).toMatchObject({ peer: 1, peerPrompted: 1 });
    // Asked by name in To:, the reviewer fixes it in every e-mail condition: prompted.
    for (const condition of ['email-cc', 'email-direct', 'pipeline']) {
      expect(result(`py-csv-delimiter--${condition}--1`).peerCorrections, condition).toMatchObject({ peer: 1, peerPrompted: 1, peerUnprompted: 0 });
    }
    // The builder repairs its own patch: a self correction, never a peer one.
    expect(result('py-word-count--email-direct--1').peerCorrections).toMatchObject({ peer: 0, self: 1 });
    expect(result('py-word-count--single--1').peerCorrections).toMatchObject({ self: 0, unfixedBreakages: 1 });
    // The three-commit API change breaks the callers' tests at its first commit and repairs them in the next two.
    expect(result('js-price-api--email-cc--1')).toMatchObject({ upstreamCommits: 3, peerCorrections: { self: 1, peer: 0 } });
    // The chatty reviewer's repeated LGTM is held by the post office (no post office in a pipeline).
    for (const condition of ['email-cc', 'email-direct']) expect(result(`js-clamp--${condition}--1`).guardTrips, condition).toEqual({ 'duplicate-body': expect.any(Number) });
    expect(result('js-clamp--pipeline--1').heldMessages).toBe(0);
    // Visible tests pass, hidden ones do not: graded as not solved everywhere.
    expect(result('py-duration--email-cc--1')).toMatchObject({ solved: false, visibleTestsPass: true });
    for (const summary of first.summaries) expect(summary.runs, summary.condition).toBe(8);
    const ccVersusDirect = first.comparisons.find((comparison) => comparison.metric === 'solve rate' && comparison.a === 'email-cc' && comparison.b === 'email-direct')!;
    expect(ccVersusDirect.sentence).toMatch(/^email-cc solved 7 of 8 runs \(88%\), more often than email-direct \(6 of 8 runs \(75%\)\): .* not distinguishable from chance at this N\.$/);
    for (const id of ['js-slugify--email-cc--1', 'js-slugify--pipeline--1']) {
      for (const file of ['index.html', 'run.json', 'result.json', 'log.jsonl', 'grading/commits.json']) expect(existsSync(path.join(out, 'runs', id, file)), `${id}/${file}`).toBe(true);
    }
    expect(existsSync(path.join(out, 'runs', 'js-slugify--email-cc--1', 'mail', 'reviewer', 'INBOX.mbox'))).toBe(true);
    expect(existsSync(path.join(out, 'runs', 'js-slugify--email-cc--1', 'recording', 'reviewer.jsonl'))).toBe(true);
  });

  it('gives the same results.json, apart from timings, when run again', async () => {
    expect(first, 'the first run').toBeDefined();
    const out = path.join(scratch, 'second');
    const run = await runExperimentCli(['run', suite, '--out', out, '--jobs', '4'], 600_000);
    expect(run.status, run.stderr.slice(-4000)).toBe(0);
    expect(withoutTimings(readResults(out))).toEqual(withoutTimings(first));
  });

  it('replays recorded runs to the same result, without calling any model', async () => {
    expect(first, 'the first run').toBeDefined();
    for (const id of ['js-slugify--email-cc--1', 'py-word-count--pipeline--1']) {
      const replay = await runExperimentCli(['replay', path.join(scratch, 'first', 'runs', id), '--out', path.join(scratch, 'replays', id)], 120_000);
      expect(replay.status, `${replay.stdout}\n${replay.stderr.slice(-4000)}`).toBe(0);
      expect(replay.stdout).toContain(`Replayed ${id}`);
      expect(replay.stdout).toContain('the same result');
      const replayed = JSON.parse(readFileSync(path.join(scratch, 'replays', id, 'result.json'), 'utf8')) as { models: Record<string, { note: string }> };
      expect(Object.values(replayed.models).every((model) => model.note.startsWith('replayed from'))).toBe(true);
    }
  });

  it.skipIf(!existsSync(CHROMIUM))('report.html opens in headless Chromium without console errors and shows the four conditions (skipped: no Chromium)', async () => {
    expect(first, 'the first run').toBeDefined();
    const profile = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
      await page.goto(`file://${path.join(scratch, 'first', 'report.html')}`);
      for (const condition of conditions) {
        await page.locator(`table.summary tr[data-condition="${condition}"]`).waitFor();
        await page.locator(`#chart-solved a[data-condition="${condition}"] rect.bar`).waitFor();
        await page.locator(`#runs-${condition}`).waitFor();
      }
      expect(await page.locator('table.tasks tbody tr').count()).toBe(8);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });
      // A number links to its runs; a run page shows the run's mail, readable in the browser.
      await page.locator('table.tasks tr[data-task="js-slugify"] a[href*="email-cc"]').click();
      await page.locator('section.message').first().waitFor();
      expect(await page.locator('section.message').count()).toBe(7);
      expect(await page.locator('body').textContent()).toContain('peer correction, unprompted');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
