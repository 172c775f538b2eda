// The outbox half of exactly-once: a previous run died after APPENDing its reply to Sent (with the outbox
// keyword) but before submitting it. The re-run derives the same Message-ID, finds the unconfirmed copy and
// submits exactly those stored bytes, once.
import { ImapFlow } from 'imapflow';
import { describe, expect, it } from 'vitest';
import type { TurnFinishedEvent } from '../../src/swarm/agent-runtime.ts';
import { deriveMessageId } from '../../src/swarm/message-ids.ts';
import { buildRawMessage } from '../../src/swarm/outgoing-mail.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startTestBackend } from './mail-backends.ts';
import { human, readFolder, sendInbound, startWorkerSwarm, uniqueId, useBackend, worker } from './swarm-test-kit.ts';

const domain = 'outbox.test';

describe('outbox recovery', () => {
  const startedBackend = useBackend(() => startTestBackend(domain, human, [worker]));

  it('submits an unconfirmed Sent copy instead of composing a new reply', async () => {
    const backend = startedBackend();
    const taskId = uniqueId('task', domain);
    const replyId = deriveMessageId(`worker@${domain}`, [taskId], 0);
    const stored = await buildRawMessage({
      from: { address: `worker@${domain}`, name: 'worker' },
      to: [{ address: `human@${domain}`, name: '' }],
      cc: [],
      subject: 'Re: Ship it',
      text: 'The reply written by the run that crashed.',
      messageId: replyId,
      inReplyTo: taskId,
      references: [taskId],
      agentName: 'worker',
      modelId: 'offline',
      usage: { inputTokens: 1, outputTokens: 1 },
    });
    const client = new ImapFlow({ host: backend.host, port: backend.imapPort, secure: false, auth: { user: `worker@${domain}`, pass: worker.password }, logger: false, tls: { rejectUnauthorized: false } });
    await client.connect();
    const sentFolder = (await client.list()).find((folder) => folder.specialUse === '\\Sent')?.path ?? 'Sent';
    await client.append(sentFolder, stored, ['\\Seen', '$MailswarmOutbox']);
    await client.logout();

    const finished: TurnFinishedEvent[] = [];
    const swarm = await startWorkerSwarm(backend);
    swarm.on('turn-finished', (event) => finished.push(event));
    try {
      await sendInbound(backend, { from: `human@${domain}`, to: [`worker@${domain}`], subject: 'Ship it', text: 'Please ship.', messageId: taskId });
      await waitFor(() => finished.length === 1, { what: 'the turn', timeoutMs: 60_000 });
      expect(finished[0]!.deliveries).toEqual([{ messageId: replyId, outcome: 'resubmitted' }]);
      const received = await waitFor(async () => (await readFolder(backend, `human@${domain}`, human.password)).find((mail) => mail.messageId === replyId), { what: 'the stored reply', timeoutMs: 60_000 });
      expect(received.text).toBe('The reply written by the run that crashed.');
      const sent = await readFolder(backend, `worker@${domain}`, worker.password, sentFolder);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.flags.has('$MailswarmOutbox')).toBe(false);
    } finally {
      await swarm.stop();
    }
  }, 150_000);
});
