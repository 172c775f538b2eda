// A model that keeps failing: the mail stays unprocessed with a retry keyword per attempt (state on the
// server), and after the last attempt the sender gets a short, honest failure note and the mail is done.
import { describe, expect, it } from 'vitest';
import { ModelError, type LanguageModel } from '../../src/providers/model.ts';
import type { TurnFinishedEvent } from '../../src/swarm/agent-runtime.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startTestBackend } from './mail-backends.ts';
import { human, readFolder, sendInbound, startWorkerSwarm, uniqueId, useBackend, worker } from './swarm-test-kit.ts';

const domain = 'failure.test';

describe('model failure', () => {
  const startedBackend = useBackend(() => startTestBackend(domain, human, [worker]));

  it('retries a bounded number of times, then answers with a failure note', async () => {
    const backend = startedBackend();
    let calls = 0;
    const model: LanguageModel = {
      id: 'anthropic:claude-test',
      vendor: 'anthropic',
      async generate() {
        calls++;
        throw new ModelError('server', 'upstream returned 529 overloaded', { retryable: true, status: 529 });
      },
    };
    const finished: TurnFinishedEvent[] = [];
    const swarm = await startWorkerSwarm(backend, { createModel: () => model, retry: { maxAttempts: 3, delayMs: 50 } });
    swarm.on('turn-finished', (event) => finished.push(event));
    try {
      const taskId = uniqueId('task', domain);
      await sendInbound(backend, { from: `human@${domain}`, to: [`worker@${domain}`], subject: 'Fix the build', text: 'Please fix it.', messageId: taskId });
      const note = await waitFor(async () => (await readFolder(backend, `human@${domain}`, human.password)).find((mail) => mail.inReplyTo === taskId), {
        what: 'the failure note',
        timeoutMs: 60_000,
      });
      expect(note.subject).toBe('Re: Fix the build');
      expect(note.text).toContain('could not work on your mail');
      expect(note.text).toContain('upstream returned 529 overloaded');
      expect(note.headers.get('x-mailswarm-model')).toBe('anthropic:claude-test');
      expect(calls).toBe(3);
      // The note is in the human's INBOX a moment before the runtime marks the mail done and reports the turn.
      await waitFor(() => finished.some((event) => event.outcome === 'failed'), { what: 'the failed turn event' });
      expect(finished.map((event) => event.outcome)).toEqual(['retry-later', 'retry-later', 'failed']);
      const inbox = await readFolder(backend, `worker@${domain}`, worker.password);
      const task = inbox.find((mail) => mail.messageId === taskId)!;
      expect(task.flags.has('$MailswarmDone')).toBe(true);
      expect(task.flags.has('$MailswarmRetry2')).toBe(true);
    } finally {
      await swarm.stop();
    }
  }, 150_000);
});
