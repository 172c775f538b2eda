// Issue 7 acceptance 3 with real agents: a human's mail To the builder, Cc team@ reaches every member once
// (the builder, named in To and also a team member, gets one copy); the builder (wake: to) answers, while
// reviewer and tester (wake: to), reached only through team@, stay silent: a list copy counts as Cc.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnFinishedEvent, TurnStartedEvent } from '../../src/swarm/agent-runtime.ts';
import type { Swarm } from '../../src/swarm/swarm-runtime.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startAgentSwarm, stopSwarmAndServer, uniqueId } from '../swarm/swarm-test-kit.ts';
import { DOMAIN, headerValues, PASSWORDS, startGuardrailOffice, type GuardrailOffice } from './lists-post-office-fixture.ts';

describe('team@ with real agents', () => {
  let office: GuardrailOffice;
  let swarm: Swarm;
  const started: TurnStartedEvent[] = [];
  const finished: TurnFinishedEvent[] = [];
  const skipped: Array<{ agent: string; messageIds: string[]; reason: string }> = [];

  beforeAll(async () => {
    office = await startGuardrailOffice();
    const server = { domain: DOMAIN, host: '127.0.0.1', imapPort: office.postOffice.ports.imap, submissionPort: office.postOffice.ports.submission };
    swarm = await startAgentSwarm(server, {
      agents: [
        { name: 'builder', role: 'Builds features', wake: 'to', trust: '[humans, peers]' },
        { name: 'reviewer', role: 'Reviews changes', wake: 'to', trust: '[humans, peers]' },
        { name: 'tester', role: 'Tests releases', wake: 'to', trust: '[humans, peers]' },
      ],
      passwords: PASSWORDS,
      humans: [{ address: `alice@${DOMAIN}` }, { address: `bob@${DOMAIN}` }],
    });
    swarm.on('turn-started', (event) => started.push(event));
    swarm.on('turn-finished', (event) => finished.push(event));
    swarm.on('mail-skipped', (event) => skipped.push(event));
    await waitFor(() => swarm.agents.every((agent) => agent.state() === 'idle'), { what: 'agents connected and idle', timeoutMs: 30_000 });
  }, 60_000);
  afterAll(() => stopSwarmAndServer(swarm, office));

  it('delivers once per member and wakes only the agent named in To', async () => {
    const taskId = uniqueId('team-task', DOMAIN);
    await office.submit('alice', { to: [`builder@${DOMAIN}`], cc: [`team@${DOMAIN}`], subject: 'Build the export', text: 'Please build the CSV export.', messageId: taskId });

    const builderTurn = await waitFor(() => finished.find((event) => event.agent === 'builder' && event.messageIds.includes(taskId)), { what: "the builder's turn", timeoutMs: 30_000 });
    expect(builderTurn.outcome).toBe('answered');
    for (const agent of ['reviewer', 'tester']) {
      const skip = await waitFor(() => skipped.find((event) => event.agent === agent && event.messageIds.includes(taskId)), { what: `${agent} skipping the list copy`, timeoutMs: 30_000 });
      expect(skip.reason).toBe('wake policy "to"');
    }
    expect(started.filter((event) => event.messageIds.includes(taskId)).map((event) => event.agent)).toEqual(['builder']);

    // One copy per member (the sender alice gets none through the list).
    const copiesOf = (account: string) => office.messages(account).filter((raw) => headerValues(raw, 'Message-ID')[0] === taskId);
    for (const member of ['builder', 'reviewer', 'tester', 'bob']) expect(copiesOf(member), member).toHaveLength(1);
    expect(copiesOf('alice')).toHaveLength(0);
    expect(headerValues(copiesOf('reviewer')[0]!, 'List-Post')).toEqual([`<mailto:team@${DOMAIN}>`]);

    // The builder's reply-all goes back through team@ (Cc): again nobody else takes a turn on it.
    const reply = builderTurn.sentMessageIds[0]!;
    for (const agent of ['reviewer', 'tester']) {
      await waitFor(() => skipped.find((event) => event.agent === agent && event.messageIds.includes(reply)), { what: `${agent} skipping the builder's reply`, timeoutMs: 30_000 });
    }
    expect(started.filter((event) => event.agent !== 'builder')).toEqual([]);
  });
});
