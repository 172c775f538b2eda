// Acceptance 2: three mails in one thread that arrive while the agent is busy with that thread produce
// one next turn, not three (the model blocks on a gate the test controls).
import { describe, expect, it } from 'vitest';
import type { TurnFinishedEvent, TurnStartedEvent } from '../../src/swarm/agent-runtime.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startTestBackend } from './mail-backends.ts';
import { GatedModel, human, readFolder, sendInbound, startWorkerSwarm, uniqueId, useBackend, worker } from './swarm-test-kit.ts';

const domain = 'coalesce.test';

describe('coalescing', () => {
  const startedBackend = useBackend(() => startTestBackend(domain, human, [worker]));

  it('turns three mails that arrive during a turn into one next turn', async () => {
    const backend = startedBackend();
    const model = new GatedModel();
    const started: TurnStartedEvent[] = [];
    const finished: TurnFinishedEvent[] = [];
    const swarm = await startWorkerSwarm(backend, { createModel: () => model });
    swarm.on('turn-started', (event) => started.push(event));
    swarm.on('turn-finished', (event) => finished.push(event));
    try {
      const firstId = uniqueId('first', domain);
      await sendInbound(backend, { from: `human@${domain}`, to: [`worker@${domain}`], subject: 'Plan', text: 'Please plan the week.', messageId: firstId });
      await model.entered;
      expect(swarm.agents[0]!.state()).toBe('thinking');

      const followUps = [1, 2, 3].map((number) => uniqueId(`follow-up-${number}`, domain));
      for (const [index, messageId] of followUps.entries()) {
        await sendInbound(backend, {
          from: `human@${domain}`,
          to: [`worker@${domain}`],
          subject: 'Re: Plan',
          text: `Also item ${index + 1}, please.`,
          messageId,
          inReplyTo: firstId,
          references: [firstId],
        });
      }
      await waitFor(async () => (await readFolder(backend, `worker@${domain}`, worker.password)).length === 4, { what: 'all four mails in the worker INBOX', timeoutMs: 60_000 });
      model.open();

      await waitFor(() => finished.length === 2, { what: 'two finished turns', timeoutMs: 60_000 });
      expect(finished[0]!.messageIds).toEqual([firstId]);
      expect([...finished[1]!.messageIds].sort()).toEqual([...followUps].sort());
      expect(finished.map((event) => event.outcome)).toEqual(['answered', 'answered']);
      // Everything is processed, so no further turn can follow.
      const inbox = await readFolder(backend, `worker@${domain}`, worker.password);
      expect(inbox.map((mail) => [mail.messageId, [...mail.flags].sort()])).toEqual(inbox.map((mail) => [mail.messageId, ['$MailswarmDone', '\\Seen']]));
      expect(started.map((event) => event.messageIds)).toEqual([[firstId], finished[1]!.messageIds]);
      const turnOpenings = model.requests.filter((request) => request.messages.length === 1);
      expect(turnOpenings).toHaveLength(2);
      // The coalesced turn shows all three follow-ups as new, after the first mail and the agent's own reply.
      const secondPrompt = turnOpenings[1]!.messages[0]!;
      expect(secondPrompt.role === 'user' && secondPrompt.content.match(/^Status: new$/gm)?.length).toBe(3);
      expect(secondPrompt.role === 'user' && secondPrompt.content.match(/^Status: sent-by-you$/gm)?.length).toBe(1);
    } finally {
      await swarm.stop();
    }
  }, 150_000);
});
