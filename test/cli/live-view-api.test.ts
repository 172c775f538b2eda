// The live view's HTTP API against a real swarm: /api/status, the /api/events SSE stream fed by a task
// mailed to the inbound SMTP port (one event per Message-ID, threaded replies, agent states, tokens), the
// loopback-only rules, and `mailswarm status` / `mailswarm tail` run as the CLI against it.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followEvents } from '../../src/cli/live-view/live-view-client.ts';
import { NonLoopbackHostError, startLiveViewServer } from '../../src/cli/live-view/live-view-server.ts';
import type { LiveEvent, MessageEvent, StatusSnapshot } from '../../src/cli/live-view/live-view-types.ts';
import { SwarmActivity } from '../../src/cli/live-view/swarm-activity.ts';
import { silentLogger } from '../../src/logger.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { DOMAIN, startLiveViewSwarm, type LiveViewSwarm } from './live-view-fixture.ts';

const CLI = path.resolve('src/cli/main.ts');
const TASK_BODY = 'Secret task body: please add a /health endpoint that answers 200.';

let running: LiveViewSwarm;
let baseUrl: string;
const events: LiveEvent[] = [];
const stopEvents = new AbortController();
let following: Promise<void>;

beforeAll(async () => {
  running = await startLiveViewSwarm();
  baseUrl = running.liveView.url.replace(/\/$/, '');
  following = followEvents(baseUrl, { backlog: 0, signal: stopEvents.signal, onEvent: (event) => events.push(event) });
}, 180_000);

afterAll(async () => {
  stopEvents.abort();
  await following;
  await running?.close();
}, 180_000);

function get(pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}${pathname}`, { method, headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, type: response.headers['content-type'], body }));
    });
    request.on('error', reject);
    request.end();
  });
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-cli-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const messages = () => events.filter((event): event is MessageEvent => event.type === 'message');

describe('live view API', { timeout: 180_000 }, () => {
  it('serves the page and a status with every agent, its state and the post office ports', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body).toContain('/live-view.js');
    expect((await get('/live-view.js')).status).toBe(200);
    const status = JSON.parse((await get('/api/status')).body) as StatusSnapshot;
    expect(status.domain).toBe(DOMAIN);
    expect(status.postOffice.ports).toEqual(running.postOffice.ports);
    expect(status.agents.map((agent) => [agent.name, agent.address, agent.model, agent.state])).toEqual([
      ['builder', `builder@${DOMAIN}`, 'offline', 'idle'],
      ['reviewer', `reviewer@${DOMAIN}`, 'offline', 'idle'],
    ]);
    expect(status.heldMessages).toBeUndefined();
  });

  it('streams one event per mailed task, the threaded reply, agent states and tokens; never the body', async () => {
    const taskId = `<task.${Date.now()}@${DOMAIN}>`;
    await running.sendTask({ to: [`builder@${DOMAIN}`], cc: [`reviewer@${DOMAIN}`], subject: 'Add a /health endpoint', text: TASK_BODY, messageId: taskId });
    const reply = await waitFor(() => messages().find((event) => event.inReplyTo === taskId), { what: "the builder's reply on the event stream", timeoutMs: 60_000 });
    const task = messages().filter((event) => event.messageId === taskId);
    // Delivered to two INBOXes, reported once.
    expect(task).toHaveLength(1);
    expect(task[0]).toMatchObject({ from: `human@${DOMAIN}`, to: [`builder@${DOMAIN}`], cc: [`reviewer@${DOMAIN}`], subject: 'Add a /health endpoint', threadId: taskId, inReplyTo: null });
    expect(reply).toMatchObject({ from: `builder@${DOMAIN}`, threadId: taskId });
    expect(reply.to).toContain(`human@${DOMAIN}`);
    expect(events.some((event) => event.type === 'agent-state' && event.agent.name === 'builder' && event.agent.state === 'thinking')).toBe(true);
    const status = await waitFor(async () => {
      const snapshot = JSON.parse((await get('/api/status')).body) as StatusSnapshot;
      const builder = snapshot.agents.find((agent) => agent.name === 'builder')!;
      return builder.tokensToday.total > 0 && builder.state === 'idle' ? snapshot : undefined;
    }, { what: 'builder tokens counted', timeoutMs: 60_000 });
    const builder = status.agents.find((agent) => agent.name === 'builder')!;
    expect(builder.turnsToday).toBe(1);
    expect(builder.lastActivity).not.toBeNull();
    expect(status.messagesSeen).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(events)).not.toContain('Secret task body');
  });

  it('replays missed events after Last-Event-ID and a backlog of recent messages', async () => {
    const first = messages()[0]!;
    const replayed: LiveEvent[] = [];
    const stop = new AbortController();
    const replay = new Promise<void>((resolve, reject) => {
      const request = http.get(`${baseUrl}/api/events`, { headers: { 'Last-Event-ID': String(first.sequence) } }, (response) => {
        let buffered = '';
        response.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          for (const block of buffered.split('\n\n').slice(0, -1)) {
            const data = block.split('\n').find((line) => line.startsWith('data: '));
            if (data) replayed.push(JSON.parse(data.slice(6)) as LiveEvent);
          }
          buffered = buffered.slice(buffered.lastIndexOf('\n\n') + 2);
        });
        response.on('close', resolve);
      });
      request.on('error', (error) => (stop.signal.aborted ? resolve() : reject(error)));
      stop.signal.addEventListener('abort', () => request.destroy());
    });
    await waitFor(() => replayed.length > 0, { what: 'replayed events' });
    stop.abort();
    await replay;
    expect(replayed[0]!.sequence).toBe(first.sequence + 1);
    const backlog: LiveEvent[] = [];
    const stopBacklog = new AbortController();
    const reading = followEvents(baseUrl, { backlog: 1, signal: stopBacklog.signal, onEvent: (event) => backlog.push(event) });
    await waitFor(() => backlog.length > 0, { what: 'backlog event' });
    stopBacklog.abort();
    await reading;
    expect(backlog[0]).toEqual(messages().at(-1));
  });

  it('answers only to loopback Host names and only GET/HEAD', async () => {
    expect((await get('/api/status', { Host: 'attacker.example:8025' })).status).toBe(421);
    expect((await get('/api/status', { Host: `localhost:${running.liveView.port}` })).status).toBe(200);
    expect((await get('/api/status', {}, 'POST')).status).toBe(405);
    expect((await get('/nothing-here')).status).toBe(404);
  });

  it('refuses to listen on a non-loopback address', async () => {
    const activity = new SwarmActivity({ domain: DOMAIN, postOffice: { host: '0.0.0.0', ports: { imap: 1, submission: 2, smtp: 3 } } });
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.org']) {
      await expect(startLiveViewServer({ host, port: 0, activity, logger: silentLogger })).rejects.toBeInstanceOf(NonLoopbackHostError);
    }
  });
});

describe('mailswarm status and tail against the live view', { timeout: 180_000 }, () => {
  it('status prints every agent with state, last activity and tokens today', async () => {
    const result = await runCli(['status', '--web-port', String(running.liveView.port)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^AGENT\s+STATE\s+LAST ACTIVITY\s+TURNS\s+TOKENS TODAY\s+MODEL$/m);
    expect(result.stdout).toMatch(/^builder\s+idle\s+\d+s ago\s+1\s+[\d,]+\s+offline$/m);
    expect(result.stdout).toMatch(/^reviewer\s+(idle|thinking)\s+/m);
  });

  it('status says clearly when nothing runs on the web port', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await runCli(['status', '--web-port', String(port)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`mailswarm: no live view answers at http://127.0.0.1:${port}`);
    expect(result.stderr).toContain('is "mailswarm up" running');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('tail prints the backlog and new mail as indented thread lines, and stops on Ctrl+C', async () => {
    const child = spawn(process.execPath, [CLI, 'tail', '--lines', '5', '--web-port', String(running.liveView.port)], { cwd: mkdtempSync(path.join(os.tmpdir(), 'mailswarm-cli-')), stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Starting a CLI process takes long on a loaded two-core machine: generous deadlines, no fixed waits.
    await waitFor(() => lines.length >= 2, { what: 'backlog lines from tail', timeoutMs: 90_000 });
    expect(lines).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d  human → builder \(cc reviewer\)  Add a \/health endpoint$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d    builder → human.*  Re: Add a \/health endpoint$/));
    const followUpId = `<follow-up.${Date.now()}@${DOMAIN}>`;
    await running.sendTask({ to: [`reviewer@${DOMAIN}`], subject: 'Please review the endpoint', text: 'Review it.', messageId: followUpId });
    await waitFor(() => lines.some((line) => / {4}reviewer → human.*Re: Please review the endpoint$/.test(line)), { what: "tail shows the reviewer's indented reply", timeoutMs: 90_000 });
    expect(lines).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d  human → reviewer  Please review the endpoint$/));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain('Ctrl+C stops');
  });
});
