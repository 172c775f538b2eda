// Acceptance 4: restart the post office while the agents idle. They reconnect with backoff, process the
// mail that arrived during the outage (put into the store while the server was down) and, back in IDLE,
// the mail that arrives afterwards.
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import type { TurnFinishedEvent } from '../../src/swarm/agent-runtime.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startPostOfficeBackend } from './mail-backends.ts';
import { human, readFolder, sendInbound, startWorkerSwarm, uniqueId, useBackend, worker } from './swarm-test-kit.ts';

const domain = 'restart.test';

describe('post office restart', () => {
  const startedBackend = useBackend(() => startPostOfficeBackend(domain, human, [worker]));

  it('reconnects and handles mail from the outage and after it', async () => {
    const backend = startedBackend();
    const finished: TurnFinishedEvent[] = [];
    const swarm = await startWorkerSwarm(backend, { reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 } });
    swarm.on('turn-finished', (event) => finished.push(event));
    const agent = swarm.agents[0]!;
    try {
      await waitFor(() => agent.state() === 'idle', { what: 'the worker to connect', timeoutMs: 60_000 });
      await backend.stopOnly!();
      await waitFor(() => agent.state() === 'disconnected', { what: 'the worker to notice the outage', timeoutMs: 60_000 });

      const outageId = uniqueId('outage', domain);
      const raw = await new MailComposer({ from: `human@${domain}`, to: `worker@${domain}`, subject: 'During the outage', text: 'Please check the backups.', messageId: outageId }).compile().build();
      await backend.deliverWhileStopped!(`worker@${domain}`, raw);
      await backend.start!();

      await waitFor(() => finished.find((event) => event.messageIds.includes(outageId)), { what: 'a turn for the outage mail', timeoutMs: 60_000 });
      await waitFor(() => agent.state() === 'idle', { what: 'the worker back in IDLE', timeoutMs: 60_000 });
      const afterId = uniqueId('after', domain);
      await sendInbound(backend, { from: `human@${domain}`, to: [`worker@${domain}`], subject: 'After the restart', text: 'Please confirm.', messageId: afterId });
      await waitFor(() => finished.find((event) => event.messageIds.includes(afterId)), { what: 'a turn for the mail after the restart', timeoutMs: 60_000 });

      expect(finished.map((event) => event.outcome)).toEqual(['answered', 'answered']);
      const replies = (await readFolder(backend, `human@${domain}`, human.password)).map((mail) => mail.inReplyTo).sort();
      expect(replies).toEqual([outageId, afterId].sort());
    } finally {
      await swarm.stop();
    }
  }, 150_000);
});
