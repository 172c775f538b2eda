// `mailswarm agents --shard i/n`: two runtime processes split six agents by name and run them against one mail
// server, our post office and Debian's Dovecot + Postfix. Every agent answers its task exactly once (counted
// after both processes have stopped, so no late duplicate can hide), the banners show a disjoint partition
// that covers every agent, and an agent in one shard addresses a peer in the other, which trusts and answers it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { parseShard, partitionAgents, shardOfAgent } from '../../src/cli/agent-shard.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { dovecotPostfixUnavailable, startDovecotBackend, startPostOfficeBackend, type MailBackend } from '../swarm/mail-backends.ts';
import { CLI } from './run-cli.ts';

const DOMAIN = 'shards.test';
const HUMAN = { name: 'human', password: 'human-secret' };
const AGENT_NAMES = ['ada', 'bob', 'cyd', 'dee', 'eve', 'fay'];
const AGENTS = AGENT_NAMES.map((name) => ({ name, password: `${name}-secret` }));
const root = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-shards-'));
const agentsDir = path.join(root, 'agents');
mkdirSync(agentsDir);
for (const name of AGENT_NAMES) writeFileSync(path.join(agentsDir, `${name}.md`), `---\nname: ${name}\nmodel: offline\nrole: Team member ${name}.\nwake: to\n---\nYou are ${name}.\n`);
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

describe('agent shards', () => {
  it('parses INDEX/COUNT from 0 and refuses anything else with the expected form', () => {
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
    for (const bad of ['3/3', '1', '-1/2', '0/0', 'a/b']) expect(() => parseShard(bad)).toThrow(/--shard expects INDEX\/COUNT with 0 <= INDEX < COUNT/);
  });

  it('partitions by name alone: stable when agents come and go, disjoint and complete', () => {
    const agents = AGENT_NAMES.map((name) => ({ name }));
    for (const count of [1, 2, 3, 5]) {
      const shards = Array.from({ length: count }, (_, index) => partitionAgents(agents, { index, count }).local.map((agent) => agent.name));
      expect(shards.flat().sort()).toEqual([...AGENT_NAMES].sort());
    }
    const withNewcomer = partitionAgents([...agents, { name: 'newcomer' }], { index: 0, count: 2 }).local.map((agent) => agent.name);
    expect(withNewcomer.filter((name) => name !== 'newcomer')).toEqual(partitionAgents(agents, { index: 0, count: 2 }).local.map((agent) => agent.name));
    expect(shardOfAgent('Ada', 7)).toBe(shardOfAgent('ada', 7));
  });
});

interface ShardProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startShard(backend: MailBackend, shard: string): ShardProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (/_(API_KEY|BASE_URL)$/.test(name) || name.startsWith('MAILSWARM_')) delete env[name];
  for (const agent of AGENTS) env[`MAILSWARM_PASSWORD_${agent.name.toUpperCase()}`] = agent.password;
  const dataDir = mkdtempSync(path.join(root, `data-${shard.replace('/', '-of-')}-`));
  const args = ['agents', '--shard', shard, '--host', backend.host, '--imap-port', String(backend.imapPort), '--submission-port', String(backend.submissionPort), '--agents-dir', agentsDir, '--domain', DOMAIN, '--data', dataDir, '--log-level', 'warn'];
  const child = spawn(process.execPath, [CLI, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The agents a shard's banner says it runs. */
function bannerAgents(output: string): string[] {
  const line = /^mailswarm agents running against .*?: (.*)$/m.exec(output)?.[1];
  return line === undefined ? [] : line.split(', ').sort();
}

async function sendTask(backend: MailBackend, to: string, subject: string, text: string): Promise<string> {
  const messageId = `<${subject.replace(/\W+/g, '-').toLowerCase()}.${process.pid}@${DOMAIN}>`;
  // Submission with AUTH: unauthenticated mail claiming a local sender would reach the agents as a stranger's.
  const transport = nodemailer.createTransport({ host: backend.host, port: backend.submissionPort, secure: false, auth: { user: `${HUMAN.name}@${DOMAIN}`, pass: HUMAN.password }, tls: { rejectUnauthorized: false } });
  try {
    await transport.sendMail({ from: `${HUMAN.name}@${DOMAIN}`, to: `${to}@${DOMAIN}`, subject, text, messageId });
  } finally {
    transport.close();
  }
  return messageId;
}

interface Reply {
  inReplyTo: string;
  from: string;
  to: string[];
  messageId: string;
}

/** The replies (messages with In-Reply-To) in a user's INBOX. */
async function repliesIn(backend: MailBackend, user: { name: string; password: string }): Promise<Reply[]> {
  const client = new ImapFlow({ host: backend.host, port: backend.imapPort, secure: false, auth: { user: `${user.name}@${DOMAIN}`, pass: user.password }, logger: false, tls: { rejectUnauthorized: false } });
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const replies: Reply[] = [];
      if (client.mailbox === false || client.mailbox.exists === 0) return replies;
      for await (const message of client.fetch('1:*', { envelope: true })) {
        const envelope = message.envelope!;
        if (!envelope.inReplyTo) continue;
        replies.push({ inReplyTo: envelope.inReplyTo, from: envelope.from?.[0]?.address ?? '', to: (envelope.to ?? []).map((address) => address.address ?? ''), messageId: envelope.messageId ?? '' });
      }
      return replies;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

const backends: Array<{ kind: string; unavailable: string | undefined; start: () => Promise<MailBackend> }> = [
  { kind: 'the post office', unavailable: undefined, start: () => startPostOfficeBackend(DOMAIN, HUMAN, AGENTS) },
  { kind: 'Dovecot + Postfix', unavailable: dovecotPostfixUnavailable(), start: () => startDovecotBackend(DOMAIN, [HUMAN, ...AGENTS]) },
];

for (const backend of backends) {
  const title = backend.unavailable ? `two shards against ${backend.kind} (skipped: ${backend.unavailable})` : `two shards against ${backend.kind}`;
  describe.skipIf(backend.unavailable !== undefined)(title, { timeout: 240_000 }, () => {
    it('runs every agent in exactly one shard, and every agent answers its task exactly once', async () => {
      const server = await backend.start();
      try {
        const shards = [startShard(server, '0/2'), startShard(server, '1/2')];
        await waitFor(() => shards.every((shard) => bannerAgents(shard.output()).length > 0), { what: `both shard banners (${shards.map((shard) => shard.output()).join(' | ')})`, timeoutMs: 120_000, intervalMs: 100 });
        const running = shards.map((shard) => bannerAgents(shard.output()));
        expect(running[0]).toEqual(partitionAgents(AGENTS, { index: 0, count: 2 }).local.map((agent) => agent.name).sort());
        expect(running[1]).toEqual(partitionAgents(AGENTS, { index: 1, count: 2 }).local.map((agent) => agent.name).sort());
        expect(running.flat().sort()).toEqual([...AGENT_NAMES].sort());
        expect(running[0]!.length).toBeGreaterThan(0);
        expect(running[1]!.length).toBeGreaterThan(0);

        // One task per agent; the first agent of shard 0 is also asked to involve the first agent of shard 1.
        const [asker, askee] = [running[0]![0]!, running[1]![0]!];
        const tasks = new Map<string, string>();
        for (const name of AGENT_NAMES) {
          const text = name === asker ? `Please ask ${askee} to double-check the numbers.` : `Please confirm you received task ${name}.`;
          tasks.set(name, await sendTask(server, name, `Shard task for ${name}`, text));
        }
        await waitFor(async () => {
          const replies = await repliesIn(server, HUMAN);
          return [...tasks.values()].every((task) => replies.some((reply) => reply.inReplyTo === task));
        }, { what: `a reply to every task (${shards.map((shard) => shard.output()).join(' | ')})`, timeoutMs: 150_000, intervalMs: 500 });
        // The cross-shard peer: the asker's reply reaches the askee, who trusts it as a peer and answers it.
        const askerReply = (await repliesIn(server, HUMAN)).find((reply) => reply.inReplyTo === tasks.get(asker))!;
        expect(askerReply.to).toContain(`${askee}@${DOMAIN}`);
        await waitFor(async () => (await repliesIn(server, { name: asker, password: `${asker}-secret` })).some((reply) => reply.inReplyTo === askerReply.messageId), {
          what: `${askee}'s answer to ${asker}`,
          timeoutMs: 120_000,
          intervalMs: 500,
        });

        // Stop both processes (a stop lets running turns finish), then count: nothing can arrive later.
        for (const shard of shards) shard.child.kill('SIGTERM');
        expect(await Promise.all(shards.map((shard) => shard.exited))).toEqual([0, 0]);
        const replies = await repliesIn(server, HUMAN);
        for (const [name, task] of tasks) {
          const answers = replies.filter((reply) => reply.inReplyTo === task);
          expect(answers.map((reply) => reply.from), `replies to ${name}'s task`).toEqual([`${name}@${DOMAIN}`]);
        }
        const askeeAnswers = (await repliesIn(server, { name: asker, password: `${asker}-secret` })).filter((reply) => reply.inReplyTo === askerReply.messageId);
        expect(askeeAnswers.map((reply) => reply.from)).toEqual([`${askee}@${DOMAIN}`]);
      } finally {
        await server.close();
      }
    });
  });
}
