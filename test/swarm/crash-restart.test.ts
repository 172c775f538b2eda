// Acceptance 3: SIGKILL the runtime in the middle of a turn (after its reply was submitted, before the
// incoming mail was marked processed), start it again: exactly one reply goes out, because the re-run
// derives the same Message-ID and finds it in Sent.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.ts';
import { startTestBackend, type MailBackend } from './mail-backends.ts';
import { human, readFolder, sendInbound, uniqueId, useBackend, worker, writeAgentsDir } from './swarm-test-kit.ts';

const domain = 'crash.test';

interface ChildHandle {
  process: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

function startChild(backend: MailBackend, agentsDir: string, mode: 'hang-after-send' | 'normal'): ChildHandle {
  const job = {
    mode,
    agentsDir,
    domain,
    server: { host: backend.host, imapPort: backend.imapPort, submissionPort: backend.submissionPort },
    passwords: { worker: worker.password },
    humans: [{ address: `human@${domain}` }],
  };
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'fixtures', 'swarm-child.ts'), JSON.stringify(job)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, lines, exited };
}

describe('crash in the middle of a turn', () => {
  const startedBackend = useBackend(() => startTestBackend(domain, human, [worker]));

  it('sends exactly one reply after SIGKILL and restart', async () => {
    const backend = startedBackend();
    const agentsDir = writeAgentsDir([{ name: 'worker', role: 'Does the work' }]);
    const first = startChild(backend, agentsDir, 'hang-after-send');
    let second: ChildHandle | undefined;
    try {
      await waitFor(() => first.lines.includes('READY'), { what: 'the first swarm process', timeoutMs: 60_000 });
      const taskId = uniqueId('task', domain);
      await sendInbound(backend, { from: `human@${domain}`, to: [`worker@${domain}`], subject: 'Ship it', text: 'Please ship the release.', messageId: taskId });
      await waitFor(() => first.lines.includes('SENT'), { what: 'the reply to be submitted', timeoutMs: 60_000 });
      first.process.kill('SIGKILL');
      await first.exited;

      const readHuman = () => readFolder(backend, `human@${domain}`, human.password);
      const firstReply = await waitFor(async () => (await readHuman()).find((mail) => mail.inReplyTo === taskId), { what: 'the reply in the human INBOX', timeoutMs: 60_000 });
      const workerInbox = await readFolder(backend, `worker@${domain}`, worker.password);
      expect(workerInbox.find((mail) => mail.messageId === taskId)?.flags.has('$MailswarmDone')).toBe(false);

      second = startChild(backend, agentsDir, 'normal');
      const turnLine = await waitFor(() => second!.lines.find((line) => line.startsWith('TURN ') && line.includes(taskId)), { what: 'the re-run turn', timeoutMs: 60_000 });
      const turn = JSON.parse(turnLine.slice('TURN '.length)) as { outcome: string; deliveries: Array<{ messageId: string; outcome: string }> };
      expect(turn.outcome).toBe('answered');
      expect(turn.deliveries).toEqual([{ messageId: firstReply.messageId, outcome: 'already-sent' }]);

      const replies = (await readHuman()).filter((mail) => mail.inReplyTo === taskId);
      expect(replies).toHaveLength(1);
      const sent = await readFolder(backend, `worker@${domain}`, worker.password, 'Sent');
      expect(sent.map((mail) => mail.messageId)).toEqual([firstReply.messageId]);
      const processed = await readFolder(backend, `worker@${domain}`, worker.password);
      expect(processed.find((mail) => mail.messageId === taskId)?.flags.has('$MailswarmDone')).toBe(true);
    } finally {
      if (first.process.exitCode === null && first.process.signalCode === null) first.process.kill('SIGKILL');
      if (second) {
        second.process.kill('SIGTERM');
        await second.exited;
      }
    }
  }, 150_000);
});
