// Acceptance scenario 1, runnable against any backend: a human's task To the builder, Cc the reviewer and
// the tester; the builder answers (bringing the reviewer into To because the task names it), the reviewer,
// woken only once addressed, answers in the same thread, the tester (only ever copied) stays silent, and
// every message's References chain starts at the task.
import { expect } from 'vitest';
import { OfflineModel } from '../../src/providers/offline/offline-model.ts';
import { loadAgentDefinitions } from '../../src/swarm/agent-definition.ts';
import type { TurnFinishedEvent } from '../../src/swarm/agent-runtime.ts';
import { startSwarm } from '../../src/swarm/swarm-runtime.ts';
import { waitFor } from '../helpers/wait-for.ts';
import type { MailBackend, MailUser } from './mail-backends.ts';
import { readFolder, sendInbound, testLogger, uniqueId, writeAgentsDir } from './swarm-test-kit.ts';

export const scenarioDomain = 'swarm.test';
export const scenarioHuman: MailUser = { name: 'human', password: 'human-secret' };
export const scenarioAgents: MailUser[] = [
  { name: 'builder', password: 'builder-secret' },
  { name: 'reviewer', password: 'reviewer-secret' },
  { name: 'tester', password: 'tester-secret' },
];

export async function runThreadingScenario(backend: MailBackend): Promise<void> {
  const domain = backend.domain;
  const at = (name: string) => `${name}@${domain}`;
  const agentsDir = writeAgentsDir([
    { name: 'builder', role: 'Builds features' },
    { name: 'reviewer', role: 'Reviews changes' },
    { name: 'tester', role: 'Tests releases' },
  ]);
  const passwords = new Map(scenarioAgents.map((agent) => [agent.name, agent.password]));
  const finished: TurnFinishedEvent[] = [];
  const skipped: Array<{ agent: string; messageIds: string[] }> = [];
  const swarm = await startSwarm({
    agents: loadAgentDefinitions(agentsDir),
    server: { host: backend.host, imapPort: backend.imapPort, submissionPort: backend.submissionPort },
    credentials: (name) => ({ user: at(name), password: passwords.get(name)! }),
    domain,
    humans: [{ address: at('human'), displayName: 'The Human' }],
    createModel: (agent) => new OfflineModel({ id: agent.model }),
    logger: testLogger(),
  });
  swarm.on('turn-finished', (event) => finished.push(event));
  swarm.on('mail-skipped', (event) => skipped.push(event));
  try {
    await waitFor(() => swarm.agents.every((agent) => agent.state() === 'idle'), { what: 'every agent connected and idle', timeoutMs: 60_000 });
    const taskId = uniqueId('task', domain);
    await sendInbound(backend, {
      from: `The Human <${at('human')}>`,
      to: [at('builder')],
      cc: [at('reviewer'), at('tester')],
      subject: 'Build the login page',
      text: 'Please build the login page. Ask the reviewer to check the result when it is done.',
      messageId: taskId,
    });
    const readHuman = () => readFolder(backend, at('human'), scenarioHuman.password);

    const builderReply = await waitFor(async () => (await readHuman()).find((mail) => mail.from[0]?.address === at('builder')), { what: "the builder's reply in the human's INBOX", timeoutMs: 60_000 });
    expect(builderReply.inReplyTo).toBe(taskId);
    expect(builderReply.references).toEqual([taskId]);
    expect(builderReply.subject).toBe('Re: Build the login page');
    expect(builderReply.to.map((address) => address.address).sort()).toEqual([at('human'), at('reviewer')]);
    expect(builderReply.cc.map((address) => address.address)).toEqual([at('tester')]);
    expect(builderReply.headers.get('auto-submitted')).toBe('auto-generated');
    expect(builderReply.headers.get('x-mailswarm-agent')).toBe('builder');
    expect(builderReply.headers.get('x-mailswarm-model')).toBe('offline');
    expect(builderReply.headers.get('x-mailswarm-usage')).toMatch(/^in=\d+; out=\d+$/);
    expect(builderReply.text).toContain('offline model');

    const reviewerReply = await waitFor(async () => (await readHuman()).find((mail) => mail.from[0]?.address === at('reviewer')), { what: "the reviewer's reply in the human's INBOX", timeoutMs: 60_000 });
    expect(reviewerReply.inReplyTo).toBe(builderReply.messageId);
    expect(reviewerReply.references).toEqual([taskId, builderReply.messageId]);
    expect(reviewerReply.subject).toBe('Re: Build the login page');
    expect(reviewerReply.to.map((address) => address.address).sort()).toEqual([at('builder'), at('human')]);
    expect(reviewerReply.cc.map((address) => address.address)).toEqual([at('tester')]);

    // The builder reads the reviewer's acknowledgement and stays silent (no agent loop).
    await waitFor(() => finished.find((event) => event.agent === 'builder' && event.messageIds.includes(reviewerReply.messageId)), { what: 'the builder to process the reviewer reply', timeoutMs: 60_000 });
    const builderLast = finished.find((event) => event.agent === 'builder' && event.messageIds.includes(reviewerReply.messageId))!;
    expect(builderLast.outcome).toBe('silent');

    // The reviewer was copied on the task but took no turn for it: its one turn answered the builder.
    const reviewerTurns = finished.filter((event) => event.agent === 'reviewer');
    expect(reviewerTurns).toHaveLength(1);
    expect(reviewerTurns[0]!.messageIds).toEqual([builderReply.messageId]);
    expect(skipped.some((event) => event.agent === 'reviewer' && event.messageIds.includes(taskId))).toBe(true);
    // The tester was only ever copied: no turn, nothing sent.
    await waitFor(() => skipped.filter((event) => event.agent === 'tester').flatMap((event) => event.messageIds).length >= 3, { what: 'the tester to file its three copies', timeoutMs: 60_000 });
    expect(finished.filter((event) => event.agent === 'tester')).toHaveLength(0);
    expect(await readFolder(backend, at('tester'), passwords.get('tester')!, 'Sent')).toHaveLength(0);

    // Thunderbird-style threading: every message in the human's INBOX chains back to the task.
    const humanInbox = await readHuman();
    expect(humanInbox.map((mail) => mail.messageId).sort()).toEqual([builderReply.messageId, reviewerReply.messageId].sort());
    for (const mail of humanInbox) expect(mail.references[0]).toBe(taskId);
    // The builder's Sent copy is the exact message the human received.
    const builderSent = await readFolder(backend, at('builder'), passwords.get('builder')!, 'Sent');
    expect(builderSent.map((mail) => mail.messageId)).toEqual([builderReply.messageId]);
    expect(builderSent[0]!.flags.has('$MailswarmOutbox')).toBe(false);
  } finally {
    await swarm.stop();
  }
}
