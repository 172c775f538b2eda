// Every model-callable tool against a real server, driven by a scripted model: look-ups (list_directory,
// search_mail, read_message, read_thread), mail (send, forward, reply to the sender only), and a mistake
// the model can fix (an unknown recipient comes back as a tool error, the turn goes on).
import { describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../src/providers/model.ts';
import type { TurnFinishedEvent } from '../../src/swarm/agent-runtime.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startTestBackend, type MailUser } from './mail-backends.ts';
import { lastToolResults, ScriptedModel } from './scripted-model.ts';
import { human, readFolder, sendInbound, startAgentSwarm, uniqueId, useBackend, worker } from './swarm-test-kit.ts';

const domain = 'tools.test';
const helper: MailUser = { name: 'helper', password: 'helper-secret' };

describe('tools', () => {
  const startedBackend = useBackend(() => startTestBackend(domain, human, [worker, helper]));

  it('looks things up, sends, forwards and reports fixable mistakes to the model', async () => {
    const backend = startedBackend();
    const taskId = uniqueId('report', domain);
    let firstResults: ReturnType<typeof lastToolResults> = [];
    let secondResults: ReturnType<typeof lastToolResults> = [];
    const model = new ScriptedModel([
      () => [
        { name: 'list_directory', arguments: {} },
        { name: 'search_mail', arguments: { subject: 'Quarterly report', folder: 'INBOX' } },
        { name: 'read_message', arguments: { message_id: taskId } },
        { name: 'read_thread', arguments: {} },
      ],
      (request: ModelRequest) => {
        firstResults = lastToolResults(request);
        return [
          { name: 'reply', arguments: { body: 'Sending it on.', to: ['nobody-known'] } },
          { name: 'forward', arguments: { message_id: taskId, to: ['helper'], note: 'Please check the numbers.' } },
          { name: 'send', arguments: { to: ['human'], subject: 'A separate question', body: 'When is the deadline?' } },
          { name: 'reply', arguments: { body: 'Forwarded to the helper.', reply_all: false } },
        ];
      },
      (request: ModelRequest) => {
        secondResults = lastToolResults(request);
        return [];
      },
    ]);
    const finished: TurnFinishedEvent[] = [];
    const swarm = await startAgentSwarm(backend, {
      agents: [{ name: 'worker', role: 'Does the work' }],
      passwords: { worker: worker.password },
      humans: [{ address: `human@${domain}` }, { address: `helper@${domain}`, displayName: 'The Helper' }],
      createModel: () => model,
    });
    swarm.on('turn-finished', (event) => finished.push(event));
    try {
      await sendInbound(backend, {
        from: `human@${domain}`,
        to: [`worker@${domain}`],
        cc: [`helper@${domain}`],
        subject: 'Quarterly report',
        text: 'Please look at the quarterly report: revenue 42.',
        messageId: taskId,
      });
      await waitFor(() => finished.length === 1, { what: 'the scripted turn', timeoutMs: 60_000 });
      expect(finished[0]!.outcome).toBe('answered');
      expect(finished[0]!.toolCalls).toEqual(['list_directory', 'search_mail', 'read_message', 'read_thread', 'reply', 'forward', 'send', 'reply']);

      expect(firstResults.map((result) => result.isError ?? false)).toEqual([false, false, false, false]);
      expect(firstResults[0]!.content).toContain(`agent worker <worker@${domain}>`);
      expect(firstResults[0]!.content).toContain(`human helper <helper@${domain}>`);
      expect(firstResults[1]!.content).toContain(taskId);
      expect(firstResults[2]!.content).toContain('revenue 42');
      expect(firstResults[3]!.content).toContain(`Message-ID: ${taskId}`);
      expect(secondResults[0]).toMatchObject({ name: 'reply', isError: true });
      expect(secondResults[0]!.content).toContain('unknown recipient "nobody-known"');
      expect(secondResults.slice(1).map((result) => result.isError ?? false)).toEqual([false, false, false]);

      const humanInbox = await waitFor(async () => {
        const inbox = await readFolder(backend, `human@${domain}`, human.password);
        return inbox.length === 2 ? inbox : undefined;
      }, { what: 'the new thread and the reply in the human INBOX', timeoutMs: 60_000 });
      const separate = humanInbox.find((mail) => mail.subject === 'A separate question')!;
      expect(separate.references).toEqual([]);
      expect(separate.inReplyTo).toBeUndefined();
      const reply = humanInbox.find((mail) => mail.inReplyTo === taskId)!;
      expect(reply.cc).toEqual([]);
      expect(reply.to.map((address) => address.address)).toEqual([`human@${domain}`]);

      const helperInbox = await waitFor(async () => (await readFolder(backend, `helper@${domain}`, helper.password)).find((mail) => mail.subject === 'Fwd: Quarterly report'), {
        what: 'the forward in the helper INBOX', timeoutMs: 60_000 });
      expect(helperInbox.text).toContain('Please check the numbers.');
      expect(helperInbox.references).toEqual([taskId]);
      // The original travels whole as a message/rfc822 part (mailparser folds it into the parsed text).
      expect(helperInbox.headers.get('content-type')).toMatch(/^multipart\/mixed/);
      expect(helperInbox.text).toContain('revenue 42');
    } finally {
      await swarm.stop();
    }
  }, 150_000);
});
