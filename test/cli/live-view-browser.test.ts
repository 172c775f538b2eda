// The live view page in headless Chromium (Debian's `chromium`, driven by playwright-core): the page loads,
// shows the agents, and updates live when a task mailed to the inbound SMTP port flows through the swarm
// (new thread in the list, new edges human→builder and builder→human in the SVG graph, tokens counted).
// Saves a screenshot to test-artifacts/live-view/. Needs scripts/install-chromium.sh (root, apt-get).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, startLiveViewSwarm, type LiveViewSwarm } from './live-view-fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts/live-view');

describe.skipIf(!existsSync(CHROMIUM))('live view in headless Chromium', { timeout: 180_000 }, () => {
  let running: LiveViewSwarm;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    running = await startLiveViewSwarm();
    profile = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-chromium-'));
    // A fresh profile per run (playwright passes it to Chromium as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1280, height: 900 },
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  }, 180_000);

  it('loads, shows the agents, and updates when a mailed task flows through the swarm', async () => {
    const page = await browser.newPage();
    // Deadlines, not sleeps: a loaded two-core CI machine can take a while per turn.
    page.setDefaultTimeout(90_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(running.liveView.url);
    await page.locator('#connection[data-connection="live"]').waitFor();
    for (const name of ['builder', 'reviewer']) {
      await page.locator(`#agents tr[data-agent="${name}"][data-state="idle"]`).waitFor();
      await page.locator(`#graph .node[data-kind="agent"][data-address="${name}@${DOMAIN}"]`).waitFor();
    }
    expect(await page.locator('#agents tbody tr').count()).toBe(2);
    expect(await page.locator('#graph .edge').count()).toBe(0);

    const taskId = `<browser-task.${Date.now()}@${DOMAIN}>`;
    await running.sendTask({ to: [`builder@${DOMAIN}`], cc: [`reviewer@${DOMAIN}`], subject: 'Add a /health endpoint', text: 'Body text the page must never show.', messageId: taskId });

    // The task arrives: a thread in the list and edges from the human to both recipients.
    await page.locator(`#messages li[data-message-id="${taskId}"]`).waitFor();
    await page.locator(`#graph .edge[data-from="human@${DOMAIN}"][data-to="builder@${DOMAIN}"][data-count="1"]`).waitFor();
    await page.locator(`#graph .edge[data-from="human@${DOMAIN}"][data-to="reviewer@${DOMAIN}"][data-count="1"]`).waitFor();
    await page.locator(`#graph .node[data-kind="human"][data-address="human@${DOMAIN}"]`).waitFor();
    // The builder answers: its reply appears under the task, a new edge back to the human, tokens counted.
    await page.locator(`#graph .edge[data-from="builder@${DOMAIN}"][data-to="human@${DOMAIN}"]`).waitFor();
    await page.locator(`#messages li[data-thread-id="${taskId}"]:not([data-message-id="${taskId}"])`).waitFor();
    await page.waitForFunction(() => Number(document.querySelector('#agents tr[data-agent="builder"] .tokens')?.textContent?.replace(/\D/g, '') ?? 0) > 0);
    await page.locator('#agents tr[data-agent="builder"][data-state="idle"]').waitFor();

    const threadLines = await page.locator(`#messages li[data-thread-id="${taskId}"]`).allTextContents();
    expect(threadLines[0]).toContain('human → builder (cc reviewer)');
    expect(threadLines[0]).toContain('Add a /health endpoint');
    expect(threadLines.slice(1).some((line) => line.includes('builder → ') && line.includes('Re: Add a /health endpoint'))).toBe(true);
    expect(await page.locator('body').textContent()).not.toContain('Body text the page must never show');
    expect(pageErrors).toEqual([]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'live-view.png'), fullPage: true });
    await page.close();
  });
});
