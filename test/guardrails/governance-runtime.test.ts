// STOP/RESUME reach the running agents too: a human's STOP pauses the agent (no turns, no tokens, new mail
// waits), RESUME lets it handle what waited. The post office stamps X-Mailswarm-Command only on commands
// from an authenticated human, so the same words from a stranger on the inbound port change nothing.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnFinishedEvent, TurnStartedEvent } from '../../src/swarm/agent-runtime.ts';
import type { Swarm } from '../../src/swarm/swarm-runtime.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startPostOfficeBackend, type MailBackend } from '../swarm/mail-backends.ts';
import { human, sendInbound, startAgentSwarm, startWorkerSwarm, stopSwarmAndServer, uniqueId, worker } from '../swarm/swarm-test-kit.ts';

const domain = 'govern.test';

describe('governance commands in the runtime', () => {
  let backend: MailBackend;
  let swarm: Swarm;
  const started: TurnStartedEvent[] = [];
  const finished: TurnFinishedEvent[] = [];
  const deferred: string[][] = [];
  const commands: string[] = [];

  beforeAll(async () => {
    backend = await startPostOfficeBackend(domain, human, [worker]);
    swarm = await startAgentSwarm(backend, {
      agents: [{ name: 'worker', role: 'Does the work', trust: '[humans, peers, strangers]' }],
      passwords: { worker: worker.password },
      humans: [{ address: `human@${domain}` }],
    });
    swarm.on('turn-started', (event) => started.push(event));
    swarm.on('turn-finished', (event) => finished.push(event));
    swarm.on('mail-deferred', (event) => deferred.push(event.messageIds));
    swarm.on('mail-skipped', (event) => {
      if (event.reason.startsWith('governance command')) commands.push(event.reason);
    });
  });
  afterAll(() => stopSwarmAndServer(swarm, backend));

  async function submitAsHuman(text: string, messageId: string, subject = 'Governance'): Promise<void> {
    const transport = nodemailer.createTransport({ host: backend.host, port: backend.submissionPort, secure: false, ignoreTLS: true, auth: { user: `human@${domain}`, pass: human.password } });
    try {
      await transport.sendMail({ from: `human@${domain}`, to: `worker@${domain}`, subject, text, messageId: `<${messageId}>` });
    } finally {
      transport.close();
    }
  }

  it('a stranger cannot stop the agent; a human STOP pauses it, mail waits, RESUME lets it work', async () => {
    const worker = swarm.agents[0]!;
    await waitFor(() => worker.state() === 'idle', { what: 'the worker to connect' });

    await sendInbound(backend, { from: `human@${domain}`, to: [`worker@${domain}`], subject: 'STOP', text: 'STOP', messageId: uniqueId('forged-stop', domain) });
    await waitFor(() => started.length >= 1, { timeoutMs: 60_000, what: 'the forged STOP to be handled as ordinary mail' });
    expect(commands).toEqual([]);
    expect(worker.state()).not.toBe('paused');

    await submitAsHuman('STOP', uniqueId('stop', domain).slice(1, -1));
    await waitFor(() => commands.length > 0, { timeoutMs: 60_000, what: 'the worker to apply the STOP' });
    expect(commands).toEqual(['governance command STOP']);
    expect(worker.state()).toBe('paused');

    const turnsBefore = started.length;
    const taskId = uniqueId('task', domain);
    await sendInbound(backend, { from: `human@${domain}`, to: [`worker@${domain}`], subject: 'Task while paused', text: 'Please add a health check.', messageId: taskId });
    await waitFor(() => deferred.some((ids) => ids.includes(taskId)), { timeoutMs: 60_000, what: 'the task to wait while paused' });
    expect(started.length).toBe(turnsBefore);

    await submitAsHuman('RESUME', uniqueId('resume', domain).slice(1, -1));
    await waitFor(() => finished.some((event) => event.messageIds.includes(taskId)), { timeoutMs: 60_000, what: 'the task to be handled after RESUME' });
    expect(commands).toEqual(['governance command STOP', 'governance command RESUME']);
    expect(worker.state()).not.toBe('paused');
  }, 180_000);

  it('a pause survives a restart of the runtime: it is read back from the newest command mail', async () => {
    await submitAsHuman('STOP', uniqueId('stop-again', domain).slice(1, -1));
    await waitFor(() => commands.length === 3, { timeoutMs: 60_000, what: 'the worker to apply the second STOP' });
    expect(swarm.agents[0]!.state()).toBe('paused');
    await swarm.stop();
    swarm = await startWorkerSwarm(backend);
    await waitFor(() => swarm.agents[0]!.state() === 'paused', { timeoutMs: 60_000, what: 'the restarted worker to come up paused' });
  }, 180_000);
});
