// Issue "model providers", acceptance 3: `mailswarm up` with each vendor's base URL pointed at a local fake
// speaking that vendor's wire format. A mailed task gets a reply whose X-Mailswarm-Model names the vendor's
// model, proving the real SDKs run inside the real runtime against the real post office.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startFakeAnthropicServer, replyThenFinish, type FakeServer } from '../providers/fakes/anthropic-fake-server.ts';
import { startFakeGeminiServer } from '../providers/fakes/gemini-fake-server.ts';
import { startFakeOpenAiServer } from '../providers/fakes/openai-fake-server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startCli, type RunningCli } from './run-cli.ts';

const AGENTS = [
  { name: 'claude', model: 'anthropic:claude-sonnet-5-5' },
  { name: 'gpt', model: 'openai:gpt-6.2-astra' },
  { name: 'gem', model: 'gemini:gemini-3.8-flash' },
];

describe('mailswarm up with every vendor pointed at its fake', () => {
  let directory: string;
  let fakes: FakeServer[];
  let running: RunningCli;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-up-vendors-'));
    mkdirSync(path.join(directory, 'agents'));
    for (const agent of AGENTS) {
      writeFileSync(
        path.join(directory, 'agents', `${agent.name}.md`),
        `---\nname: ${agent.name}\nmodel: ${agent.model}\nrole: answers tasks\ntrust: [humans, peers, strangers]\n---\nYou answer tasks by email.\n`, // tasks come through the inbound port
      );
    }
    writeFileSync(
      path.join(directory, 'mailswarm.yaml'),
      'ports: { imap: 0, submission: 0, smtp: 0, web: 0 }\nhumans: [{ name: alice, password: alice-pw }]\nlogLevel: info\n',
    );
    const respond = replyThenFinish({ arguments: () => ({ body: 'Done: the task is handled.' }) });
    fakes = await Promise.all([startFakeAnthropicServer({ respond }), startFakeOpenAiServer({ respond }), startFakeGeminiServer({ respond })]);
    const [anthropic, openai, gemini] = fakes;
    running = await startCli(['up', '--config', path.join(directory, 'mailswarm.yaml')], {
      env: {
        ANTHROPIC_API_KEY: 'test-anthropic-key',
        ANTHROPIC_BASE_URL: anthropic!.baseURL,
        OPENAI_API_KEY: 'test-openai-key',
        OPENAI_BASE_URL: openai!.baseURL,
        GEMINI_API_KEY: 'test-gemini-key',
        GOOGLE_API_KEY: '',
        GOOGLE_GEMINI_BASE_URL: gemini!.baseURL,
      },
    });
  });

  afterAll(async () => {
    await running?.stop();
    await Promise.all((fakes ?? []).map((fake) => fake.close()));
    rmSync(directory, { recursive: true, force: true });
  });

  it('says no agent fell back to the offline model', () => {
    expect(running.stdout()).not.toContain('Offline model in use');
  });

  it('each agent answers a mailed task through its vendor, named in X-Mailswarm-Model', async () => {
    onTestFailed(() => console.error(`mailswarm up stderr (tail):\n${running.stderr().slice(-6000)}`));
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: running.ports.smtp, secure: false, ignoreTLS: true });
    for (const agent of AGENTS) {
      await transport.sendMail({ from: 'alice@swarm.local', to: `${agent.name}@swarm.local`, subject: `Task for ${agent.name}`, text: 'Please handle this.' });
    }
    transport.close();

    const client = new ImapFlow({ host: '127.0.0.1', port: running.ports.imap, secure: false, doSTARTTLS: false, auth: { user: 'alice@swarm.local', pass: 'alice-pw' }, logger: false });
    await client.connect();
    try {
      const replies = await waitFor(
        async () => {
          const lock = await client.getMailboxLock('INBOX');
          try {
            await client.noop(); // collects EXISTS for mail that arrived since the last command
            const found = new Map<string, string>();
            for await (const message of client.fetch('1:*', { headers: ['x-mailswarm-agent', 'x-mailswarm-model', 'in-reply-to'] }, { uid: false })) {
              const headers = message.headers?.toString('utf8') ?? '';
              const agent = /X-Mailswarm-Agent:\s*(\S+)/i.exec(headers)?.[1];
              const model = /X-Mailswarm-Model:\s*(\S+)/i.exec(headers)?.[1];
              if (agent && model) found.set(agent.split('@')[0]!, model);
            }
            return found.size >= AGENTS.length ? found : undefined;
          } finally {
            lock.release();
          }
        },
        { timeoutMs: 45_000, intervalMs: 250, what: 'a reply from every agent' },
      );
      for (const agent of AGENTS) expect(replies.get(agent.name)).toBe(agent.model);
    } finally {
      await client.logout();
    }
    // The tool result goes back to each vendor after the reply was sent: the full round trip completes.
    await waitFor(() => fakes.every((fake) => fake.requests.some((request) => request.conversation.endsWithToolResult)), {
      what: 'every fake to receive the tool result',
    });
  });
});
